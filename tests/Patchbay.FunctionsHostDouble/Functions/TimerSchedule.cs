using System.Globalization;
using Cronos;

namespace Patchbay.Testing.Functions.Functions;

/// <summary>
/// The timer extension's schedule check (TimerSchedule.Create): an NCRONTAB expression (six fields with seconds, or
/// five without) or a TimeSpan; anything else fails indexing. Parsed with Cronos, whose syntax covers NCRONTAB's.
/// </summary>
internal static class TimerSchedule
{
    public static void Validate(string schedule, string functionName)
    {
        int fields = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        CronFormat format = fields == 5 ? CronFormat.Standard : CronFormat.IncludeSeconds;
        if (CronExpression.TryParse(schedule, format, out _) || TimeSpan.TryParse(schedule, CultureInfo.InvariantCulture, out _))
        {
            return;
        }

        throw new ArgumentException(
            $"The schedule expression '{schedule}' of timer function '{functionName}' was not recognized as a valid cron expression or timespan string.");
    }
}
