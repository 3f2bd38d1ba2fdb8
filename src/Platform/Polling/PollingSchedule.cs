using Cronos;
using Patchbay.Platform.Hosting;

namespace Patchbay.Platform.Polling;

/// <summary>The <c>PollingSchedule</c> setting: a six-field CRON expression (with seconds), as the Functions timer reads it.</summary>
public static class PollingSchedule
{
    /// <summary>The schedule as configured (the default when unset): six fields, as the docs write them.</summary>
    public static string Text(string? text) => string.IsNullOrWhiteSpace(text) ? SettingNames.DefaultPollingSchedule : text.Trim();
    /// <summary>The name of the polling tick: the isolated worker's timer function, and the standalone scheduler's span.</summary>
    public const string FunctionName = "PollingTick";

    /// <summary>The timer trigger's schedule expression: the Functions host resolves the setting from app settings.</summary>
    public const string TimerSchedule = "%" + SettingNames.PollingSchedule + "%";

    /// <exception cref="InvalidOperationException">The setting is not a six-field CRON expression.</exception>
    public static CronExpression Parse(string? text)
    {
        string schedule = Text(text);
        try
        {
            return CronExpression.Parse(schedule, CronFormat.IncludeSeconds);
        }
        catch (CronFormatException ex)
        {
            throw new InvalidOperationException(
                $"{SettingNames.PollingSchedule} '{schedule}' is not a six-field CRON expression (second minute hour day month weekday), e.g. {SettingNames.DefaultPollingSchedule}: {ex.Message}", ex);
        }
    }
}
