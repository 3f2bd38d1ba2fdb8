using Cronos;
using Patchbay.Server.Hosting;
using Patchbay.Platform.Polling;
using Patchbay.Platform.Hosting;

namespace Patchbay.Server.Polling;

/// <summary>
/// Standalone only (no <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>): runs the polling tick on <c>PollingSchedule</c>.
/// Under the Functions host the host's timer calls <c>POST /PollingTick</c> instead, and this does nothing.
/// </summary>
public sealed class PollingScheduler : BackgroundService
{
    // Task.Delay takes at most about 49 days; a yearly schedule waits in steps.
    private static readonly TimeSpan s_maxWait = TimeSpan.FromDays(1);
    private readonly Poller _poller;
    private readonly TimeProvider _time;
    private readonly ILogger<PollingScheduler> _logger;
    private readonly CronExpression _schedule;
    private readonly bool _underHost;

    public PollingScheduler(Poller poller, IConfiguration configuration, TimeProvider time, ILogger<PollingScheduler> logger)
    {
        _poller = poller;
        _time = time;
        _logger = logger;
        _schedule = PollingSchedule.Parse(configuration[SettingNames.PollingSchedule]);
        _underHost = StandaloneHosting.IsUnderFunctionsHost(configuration);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_underHost)
        {
            _logger.LogInformation("Running under the Functions host: its timer calls POST /PollingTick, so the app schedules no ticks itself");
            return;
        }

        _logger.LogInformation("Polling on the schedule {Schedule} (UTC)", _schedule);
        while (!stoppingToken.IsCancellationRequested)
        {
            DateTimeOffset now = _time.GetUtcNow();
            if (_schedule.GetNextOccurrence(now, TimeZoneInfo.Utc) is not { } next) return;
            TimeSpan wait = next - now;
            try
            {
                await Task.Delay(wait > s_maxWait ? s_maxWait : wait, _time, stoppingToken);
                if (wait > s_maxWait) continue;
                await _poller.RunTickAsync(next, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A tick that fails as a whole (storage unreachable) is logged; the next occurrence tries again.
                _logger.LogError(ex, "The polling tick failed");
            }
        }
    }
}
