using Cronos;
using Patchbay.Platform.Hosting;

namespace Patchbay.Platform.Polling;

/// <summary>The <c>PollingSchedule</c> setting: a six-field CRON expression (with seconds), as the Functions timer reads it.</summary>
public static class PollingSchedule
{
    /// <exception cref="InvalidOperationException">The setting is not a six-field CRON expression.</exception>
    public static CronExpression Parse(string? text)
    {
        string schedule = string.IsNullOrWhiteSpace(text) ? SettingNames.DefaultPollingSchedule : text.Trim();
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
