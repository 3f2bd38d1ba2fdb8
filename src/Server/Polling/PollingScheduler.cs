using System.Diagnostics;
using Cronos;
using Patchbay.Platform.Hosting;
using Patchbay.Platform.Polling;

namespace Patchbay.Server.Polling;

/// <summary>
/// The standalone host's timer: runs the polling tick on <c>PollingSchedule</c> (UTC), as the isolated worker's
/// <c>PollingTick</c> timer function does under the Functions host. Each tick gets an invocation id, a log scope and
/// a span, like a function invocation. The tick's dispatch step writes its batches to <see cref="PollChannel"/> (the
/// worker writes them to the <c>PollingQueue</c> Storage queue) and <see cref="PollBatchConsumer"/> runs them; the
/// scheduler waits until they have run before it waits for the next occurrence, so one tick runs at a time.
/// </summary>
public sealed class PollingScheduler : BackgroundService
{
    // Task.Delay takes at most about 49 days; a yearly schedule waits in steps.
    private static readonly TimeSpan s_maxWait = TimeSpan.FromDays(1);
    private readonly Poller _poller;
    private readonly PollChannel _channel;
    private readonly TimeProvider _time;
    private readonly ILogger<PollingScheduler> _logger;
    private readonly CronExpression _schedule;
    private readonly string _scheduleText;

    public PollingScheduler(Poller poller, PollChannel channel, IConfiguration configuration, TimeProvider time, ILogger<PollingScheduler> logger)
    {
        _poller = poller;
        _channel = channel;
        _time = time;
        _logger = logger;
        _schedule = PollingSchedule.Parse(configuration[SettingNames.PollingSchedule]);
        _scheduleText = PollingSchedule.Text(configuration[SettingNames.PollingSchedule]);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The six fields as configured (second minute hour day month weekday), as README and the Functions timer read them.
        _logger.LogInformation("Polling on the schedule {Schedule} (UTC; second minute hour day month weekday)", _scheduleText);
        while (!stoppingToken.IsCancellationRequested)
        {
            DateTimeOffset now = _time.GetUtcNow();
            if (_schedule.GetNextOccurrence(now, TimeZoneInfo.Utc) is not { } next) return;
            TimeSpan wait = next - now;
            try
            {
                await Task.Delay(wait > s_maxWait ? s_maxWait : wait, _time, stoppingToken);
                if (wait > s_maxWait) continue;
                await TickAsync(next, stoppingToken);
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

    // One tick as of its scheduled time (the poller keeps due times on the schedule's grid), in its own span and log scope.
    private async Task TickAsync(DateTimeOffset scheduledAt, CancellationToken cancellationToken)
    {
        string invocationId = InvocationIds.New();
        using Activity? activity = PatchbayTelemetry.StartInvocation(PollingSchedule.FunctionName, invocationId, isTimer: true);
        using IDisposable? scope = _logger.BeginScope(new LogScope(KeyValuePair.Create("InvocationId", (object?)invocationId)));
        try
        {
            var sink = new TickSink(_channel);
            PollDispatchResult dispatched = await _poller.DispatchTickAsync(scheduledAt, sink, cancellationToken);
            PollingTickResult[] batches = await Task.WhenAll(sink.Runs).WaitAsync(cancellationToken);
            _logger.LogInformation("Polling tick {TickId}: {Due} due subscriptions in {Batches} batches; polled {Polled}, delivered {Delivered} records ({Failed} failed deliveries, {Skipped} skipped, {Paused} paused, {Errors} errors)",
                dispatched.TickId, dispatched.Due, dispatched.Batches, batches.Sum(b => b.Polled), batches.Sum(b => b.Delivered), batches.Sum(b => b.FailedDeliveries),
                batches.Sum(b => b.Skipped), batches.Sum(b => b.Paused), batches.Sum(b => b.Errors));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }

    // Writes a tick's batches to the channel and keeps each one's run, so the tick can wait for them.
    private sealed class TickSink(PollChannel channel) : IPollBatchSink
    {
        public List<Task<PollingTickResult>> Runs { get; } = [];

        public async ValueTask SendAsync(PollBatch batch, CancellationToken cancellationToken) => Runs.Add(await channel.WriteAsync(batch, cancellationToken));
    }
}
