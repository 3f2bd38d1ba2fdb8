using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Patchbay.Platform.Subscriptions;

namespace Patchbay.Platform.Polling;

/// <summary>Where a tick's dispatch step sends its batches: the <c>PollingQueue</c> Storage queue, an in-process channel, or a list.</summary>
public interface IPollBatchSink
{
    /// <summary>Hands one batch on; may wait while the destination is full (a bounded channel), never drops it silently.</summary>
    ValueTask SendAsync(PollBatch batch, CancellationToken cancellationToken);
}

// A tick is two steps: the dispatch step (the timer) reads the due index and writes batches of due entries; the batch
// step (a queue-triggered function, a channel consumer, or RunTickAsync itself) claims and processes each subscription.
public sealed partial class Poller
{
    private SemaphoreSlim? _pollSlots;

    // At most Patchbay__PollingConcurrency subscriptions are processed at once in this process, however many batches run.
    private SemaphoreSlim PollSlots => _pollSlots ?? Interlocked.CompareExchange(ref _pollSlots, new SemaphoreSlim(_concurrency, _concurrency), null) ?? _pollSlots!;

    /// <summary>
    /// Runs one whole tick in this process, as of the clock: the dispatch step and then every batch, for a tick whose
    /// scheduled time is not known (a manual <c>POST /PollingTick</c>, a timer payload without <c>ScheduleStatus</c>).
    /// </summary>
    public Task<PollingTickResult> RunTickAsync(CancellationToken cancellationToken = default) => RunTickCoreAsync(null, cancellationToken);

    /// <summary>
    /// Runs one whole tick in this process for the <c>PollingSchedule</c> occurrence <paramref name="scheduledAt"/>,
    /// which keeps polls on the schedule's grid: the tick takes what is due by <c>max(clock, scheduledAt)</c> (a timer
    /// that fires a few hundred ms early still finds the subscriptions due at its occurrence), and a poll made by it
    /// schedules the next one from <paramref name="scheduledAt"/> (so one made a few hundred ms late does not push the
    /// next one past its tick). A <paramref name="scheduledAt"/> more than <see cref="PollingConstants.ScheduleTolerance"/>
    /// away from the clock (a past-due timer, a long tick) is ignored for the subscriptions it is that far from: they run as of the clock.
    /// </summary>
    /// <param name="scheduledAt">The occurrence this tick runs for: the standalone scheduler's next occurrence, or the
    /// Functions timer's <c>ScheduleStatus.Next</c> as the invocation receives it.</param>
    /// <param name="cancellationToken">Stops the tick; subscriptions it held are picked up again after their lease lapses.</param>
    public Task<PollingTickResult> RunTickAsync(DateTimeOffset scheduledAt, CancellationToken cancellationToken = default) => RunTickCoreAsync(scheduledAt, cancellationToken);

    /// <summary>
    /// The dispatch step of a tick: reads the due index (as of <c>max(clock, scheduledAt)</c>, see
    /// <see cref="RunTickAsync(DateTimeOffset, CancellationToken)"/>) and sends the due entries to <paramref name="sink"/>
    /// in batches of at most <see cref="PollBatch.MaxEntries"/>, each carrying the tick's scheduled time (null when the
    /// tick is more than <see cref="PollingConstants.ScheduleTolerance"/> from the clock, or has none). Reads one page
    /// of the index per 1,000 entries and polls nothing, so it stays quick; at most
    /// <see cref="PollingConstants.MaxSubscriptionsPerTick"/> entries per tick.
    /// </summary>
    /// <param name="scheduledAt">The occurrence this tick runs for, or null to run as of the clock.</param>
    /// <param name="sink">Where the batches go.</param>
    /// <param name="cancellationToken">Stops the dispatch; what was not sent stays due for the next tick.</param>
    public async Task<PollDispatchResult> DispatchTickAsync(DateTimeOffset? scheduledAt, IPollBatchSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        long started = Stopwatch.GetTimestamp();
        string tickId = "tick_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        DateTimeOffset clock = _time.GetUtcNow();
        if (scheduledAt is { } scheduled && (scheduled - clock).Duration() > PollingConstants.ScheduleTolerance)
        {
            _logger.LogInformation("Polling tick {TickId} runs at {Clock:O}, more than {Tolerance} from its scheduled time {ScheduledAt:O}; it runs as of the clock",
                tickId, clock, PollingConstants.ScheduleTolerance, scheduled);
            scheduledAt = null;
        }

        DateTimeOffset asOf = scheduledAt is { } grid && grid > clock ? grid : clock;
        IReadOnlyList<DueEntry> due = await _store.QueryDueAsync(asOf, PollingConstants.MaxSubscriptionsPerTick, cancellationToken);
        int batches = 0;
        int subscriptions = 0;
        foreach (IReadOnlyList<DueEntry> entries in Batch(due))
        {
            var batch = new PollBatch(tickId, scheduledAt, clock, entries);
            subscriptions += entries.Count;
            await sink.SendAsync(batch, cancellationToken);
            batches++;
        }

        return new PollDispatchResult(tickId, scheduledAt, subscriptions, batches, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// The batch step: claims, polls and delivers each subscription of <paramref name="batch"/> (at most
    /// <c>Patchbay__PollingConcurrency</c> at once in this process, across every batch it runs). Safe to run twice or
    /// late: a subscription whose due row has moved since the entry was read (its claim's If-Match fails) is left alone,
    /// one another run holds is skipped, and one reached more than <see cref="PollingConstants.ScheduleTolerance"/> after
    /// the batch's scheduled time runs as of the clock. Never throws for one subscription's failure (it is logged, and
    /// its lease lapses so a later tick picks it up); only for cancellation.
    /// </summary>
    public async Task<PollingTickResult> RunBatchAsync(PollBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        long started = Stopwatch.GetTimestamp();
        DateTimeOffset clock = _time.GetUtcNow();
        if (batch.ScheduledAt is { } scheduled && clock - scheduled > PollingConstants.ScheduleTolerance)
        {
            _logger.LogInformation("Poll batch of tick {TickId} runs at {Clock:O}, more than {Tolerance} after its scheduled time {ScheduledAt:O}; its subscriptions run as of the clock",
                batch.TickId, clock, PollingConstants.ScheduleTolerance, scheduled);
        }

        (int due, TickCounters counters) = await RunEntriesAsync(batch.Entries, batch.TickId, batch.ScheduledAt, cancellationToken);
        PollingTickResult result = ResultOf(counters, due, Stopwatch.GetElapsedTime(started));
        _logger.LogInformation("Poll batch of tick {TickId}: {Summary}", batch.TickId, result.Summary);
        return result;
    }

    private async Task<PollingTickResult> RunTickCoreAsync(DateTimeOffset? scheduledAt, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        var sink = new ListSink();
        PollDispatchResult dispatched = await DispatchTickAsync(scheduledAt, sink, cancellationToken);
        (int due, TickCounters counters) = await RunEntriesAsync([.. sink.Batches.SelectMany(b => b.Entries)], dispatched.TickId, dispatched.ScheduledAt, cancellationToken);
        PollingTickResult result = ResultOf(counters, due, Stopwatch.GetElapsedTime(started));
        _logger.LogInformation("Polling tick {TickId}: {Summary}", dispatched.TickId, result.Summary);
        return result;
    }

    // Batches of due entries, oldest first, one per subscription (a subscription has one due row: its moves are transactions).
    private static IEnumerable<IReadOnlyList<DueEntry>> Batch(IReadOnlyList<DueEntry> due) =>
        due.DistinctBy(d => d.SubscriptionId, StringComparer.Ordinal).Chunk(PollBatch.MaxEntries);

    private async Task<(int Due, TickCounters Counters)> RunEntriesAsync(IReadOnlyList<DueEntry> entries, string owner, DateTimeOffset? scheduledAt, CancellationToken cancellationToken)
    {
        // A subscription has one due row (its moves are transactions); taking each id once also covers a repeated entry.
        DueEntry[] work = [.. entries.DistinctBy(d => d.SubscriptionId, StringComparer.Ordinal)];
        var counters = new TickCounters();
        // A connection shared by subscriptions of this batch is read once for all of them.
        var connections = new ConnectionReads(_connections, cancellationToken);
        SemaphoreSlim slots = PollSlots;
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = _concurrency, CancellationToken = cancellationToken }, async (item, token) =>
        {
            await slots.WaitAsync(token);
            // Filled in as the run goes, so a run that breaks off still counts what it did (deliveries are not undone).
            var report = new RunReport();
            try
            {
                RunResult result = await ProcessAsync(item.SubscriptionId, item, owner, scheduledAt, pollNow: false, report, connections, token);
                if (result.Status != RunStatus.Done) Interlocked.Increment(ref counters.Skipped);
                counters.Add(report);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                // Like a crash: nothing more is written, the claim lapses after the lease and a later tick starts again from the outbox.
                Interlocked.Increment(ref counters.Errors);
                counters.Add(report);
                _logger.LogError(ex, "Subscription {SubscriptionId} failed in the middle of its tick; its lease lapses and a later tick picks it up", item.SubscriptionId);
            }
            finally
            {
                slots.Release();
            }
        });

        return (work.Length, counters);
    }

    private static PollingTickResult ResultOf(TickCounters counters, int due, TimeSpan elapsed) =>
        new(due, counters.Polled, counters.Delivered, counters.FailedDeliveries, counters.Skipped, counters.Paused, counters.Errors, elapsed);

    private sealed class ListSink : IPollBatchSink
    {
        public List<PollBatch> Batches { get; } = [];

        public ValueTask SendAsync(PollBatch batch, CancellationToken cancellationToken)
        {
            Batches.Add(batch);
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>What a tick's dispatch step did.</summary>
/// <param name="TickId">The tick's id (its batches, log lines and leases carry it).</param>
/// <param name="ScheduledAt">The scheduled time its batches carry; null when it runs as of the clock.</param>
/// <param name="Due">Due subscriptions it found (and sent).</param>
/// <param name="Batches">Batches it sent.</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record PollDispatchResult(string TickId, DateTimeOffset? ScheduledAt, int Due, int Batches, TimeSpan Elapsed)
{
    public string Summary => string.Create(CultureInfo.InvariantCulture, $"{Due} due subscriptions in {Batches} batches in {Elapsed.TotalMilliseconds:0} ms");
}
