using System.Diagnostics;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Patchbay.Platform.Actions;
using Patchbay.Platform.Catalog;
using Patchbay.Platform.Connections;
using Patchbay.Platform.Hosting;
using Patchbay.Platform.Subscriptions;
using Patchbay.Sdk;

namespace Patchbay.Platform.Polling;

/// <summary>
/// One polling tick: finds the subscriptions that are due (the due index, never a scan), claims each with an
/// If-Match lease, polls it, queues new records in its outbox in the same transaction that advances its poll state,
/// delivers, and records the outcome. Overlapping ticks, repeated ticks and crashes at any step neither lose nor
/// skip a record; a crash after a delivery and before its outcome is written re-delivers it with the same event id.
/// </summary>
public sealed partial class Poller
{
    private readonly SubscriptionStore _store;
    private readonly ConnectorCatalog _catalog;
    private readonly ConnectionStore _connections;
    private readonly ActionInvoker _invoker;
    private readonly DeliverySender _sender;
    private readonly PollerFaults _faults;
    private readonly TimeProvider _time;
    private readonly ILogger<Poller> _logger;
    private readonly int _concurrency;
    private readonly int _maxFailures;

    public Poller(SubscriptionStore store, ConnectorCatalog catalog, ConnectionStore connections, ActionInvoker invoker, DeliverySender sender,
        PollerFaults faults, IOptions<PatchbayOptions> options, TimeProvider time, ILogger<Poller> logger)
    {
        _store = store;
        _catalog = catalog;
        _connections = connections;
        _invoker = invoker;
        _sender = sender;
        _faults = faults;
        _time = time;
        _logger = logger;
        _concurrency = options.Value.PollingConcurrency;
        _maxFailures = options.Value.MaxConsecutiveFailures;
    }

    /// <summary>
    /// Claims and polls one subscription now, whether or not it is due, through the same steps as a tick (claim, poll,
    /// outbox, deliveries, state): <c>POST /api/subscriptions/{id}/poll</c>. Pending deliveries are attempted as a tick
    /// would (those whose backoff has passed; new records wait behind a delivery that is backing off).
    /// </summary>
    /// <returns>What happened; <see cref="RunStatus.Missing"/>, <see cref="RunStatus.Paused"/> or <see cref="RunStatus.Leased"/> when nothing was done.</returns>
    public async Task<RunResult> PollNowAsync(string id, CancellationToken cancellationToken)
    {
        string owner = "poll_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        RunResult result = await ProcessAsync(id, null, owner, null, pollNow: true, new RunReport(), new ConnectionReads(_connections, cancellationToken), cancellationToken);
        if (result.Report is { } report)
        {
            _logger.LogInformation("Subscription {SubscriptionId} polled on request: {Found} records found, {New} new, {Delivered} delivered, {Failed} failed deliveries",
                id, report.RecordsFound, report.NewRecords, report.Delivered, report.FailedDeliveries);
        }

        return result;
    }

    // Three table requests when the poll finds nothing new: read the state row, claim (move the due row to when the
    // subscription will be due after this run, with a lease on it: one transaction, If-Match on the ETag the due query or
    // the pointer returned), and the outcome commit, which also releases the lease (ReleasedLease; see DueIndex). The due
    // row moves again only when the outcome is not what the claim presumed (a failed poll, a delivery backing off, a pause).
    private async Task<RunResult> ProcessAsync(string id, DueEntry? due, string owner, DateTimeOffset? scheduledAt, bool pollNow, RunReport report, ConnectionReads connections, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        // The schedule's view of this subscription's turn (see RunTickAsync); a subscription reached long after the tick started runs as of the clock.
        DateTimeOffset? grid = scheduledAt is { } scheduled && (scheduled - now).Duration() <= PollingConstants.ScheduleTolerance ? scheduled : null;
        DateTimeOffset asOf = grid is { } g && g > now ? g : now;
        (SubscriptionState State, ETag ETag)? found = await _store.GetStateIfExistsAsync(id, cancellationToken);
        DueSlot? slot = due is { } entry ? DueSlot.FromKey(entry.Key) : found is null ? null : await _store.GetDueSlotAsync(id, cancellationToken);
        if (found is not { } existing)
        {
            // No state row: a subscription being created (its lease holds the row until the state row is written), or gone.
            if (slot is { } orphan && !orphan.IsHeld(null, now)) await _store.TryRemoveDueAsync(id, orphan, cancellationToken);
            return new RunResult(slot is { } creating && creating.IsHeld(null, now) ? RunStatus.Leased : RunStatus.Missing, null, null);
        }

        (SubscriptionState state, ETag etag) = existing;
        if (slot is { } held && held.IsHeld(state.ReleasedLease, now))
        {
            return new RunResult(RunStatus.Leased, state, null, held.LeaseUntil);
        }

        if (state.Status != SubscriptionStatus.Active)
        {
            // Paused by a run that stopped before it removed the due row.
            if (slot is { } stale) await _store.TryRemoveDueAsync(id, stale, cancellationToken);
            return new RunResult(RunStatus.Paused, state, null);
        }

        if (!pollNow && (state.DueAt is not { } dueAt || dueAt > asOf))
        {
            // The due row is early: a run committed its outcome and stopped before it moved the row. Put it where the state says.
            if (slot is { } early && state.DueAt is { } at && early.RowKey != state.DueKey) await _store.TryMoveDueAsync(id, early, at, null, cancellationToken);
            return new RunResult(RunStatus.NotDue, state, null);
        }

        DueLease lease = SubscriptionStore.NewLease(owner, now);
        if (await _store.TryMoveDueAsync(id, slot, PresumedDue(state, asOf, grid ?? now, pollNow), lease, cancellationToken) is not { } claim)
        {
            return new RunResult(RunStatus.Leased, state, null);
        }

        var run = new Run(state, etag, claim, lease.Owner, now, asOf, grid ?? now, pollNow, report, connections);
        using IDisposable? scope = _logger.BeginScope(new LogScope(
            KeyValuePair.Create("SubscriptionId", (object?)id), KeyValuePair.Create("Connector", (object?)state.Connector), KeyValuePair.Create("Trigger", (object?)state.Trigger)));
        using Activity? activity = PatchbayTelemetry.StartPoll(id, state.Connector, state.Trigger);
        try
        {
            await PollAndDeliverAsync(run, cancellationToken);
            return new RunResult(RunStatus.Done, state, run.Report);
        }
        catch (SubscriptionChangedException)
        {
            _logger.LogInformation("Subscription {SubscriptionId} was deleted or changed while it was being polled; nothing more is delivered for this tick", id);
            // Deleted: remove the due row this run moved, unless the delete (or another run) already did.
            if (await _store.GetStateIfExistsAsync(id, cancellationToken) is null) await _store.TryRemoveDueAsync(id, run.Claim, cancellationToken);
            return new RunResult(RunStatus.Changed, null, run.Report);
        }
    }

    // Where the claim puts the due row: when the subscription is due after this run if it goes as most do (polled when
    // due, nothing left in the outbox), so such a run never moves it again. A crashed run's subscription is due again then
    // (or when its lease lapses, if later). Unknown connector or trigger: the run pauses the subscription and removes the row.
    private DateTimeOffset PresumedDue(SubscriptionState state, DateTimeOffset asOf, DateTimeOffset pollBase, bool pollNow)
    {
        if (!_catalog.TryGet(state.Connector, out Connector connector) || !connector.Manifest.PollingTriggers.TryGetValue(state.Trigger, out PollingTriggerDefinition? trigger))
        {
            return asOf + PollingConstants.LeaseDuration;
        }

        return pollNow || state.NextPollAt <= asOf ? pollBase + trigger.PollingInterval : state.NextPollAt;
    }

    private async Task PollAndDeliverAsync(Run run, CancellationToken cancellationToken)
    {
        SubscriptionState state = run.State;
        DateTimeOffset now = run.Now;
        DateTimeOffset asOf = run.AsOf;
        RunReport report = run.Report;

        if (!_catalog.TryGet(state.Connector, out Connector connector))
        {
            await PauseAsync(run, $"Connector '{state.Connector}' is no longer installed.", cancellationToken);
            return;
        }

        if (!connector.Manifest.PollingTriggers.TryGetValue(state.Trigger, out PollingTriggerDefinition? trigger))
        {
            await PauseAsync(run, $"Connector '{state.Connector}' no longer has the polling trigger '{state.Trigger}'.", cancellationToken);
            return;
        }

        ConnectorAuth auth = ConnectorAuth.None;
        if (connector.Manifest.Auth.IsRequired)
        {
            string? problem = null;
            try
            {
                if (state.ConnectionId is null) problem = $"Connector '{state.Connector}' needs a connection and the subscription has none.";
                else if (await run.Connections.GetWithCredentialsAsync(state.ConnectionId, cancellationToken) is not { } connection) problem = $"Connection '{state.ConnectionId}' no longer exists.";
                else if (connection.Connection.Status != ConnectionStatus.Active)
                {
                    problem = $"Connection '{state.ConnectionId}' is {connection.Connection.Status}" + (connection.Connection.StatusReason is { } why ? $": {why}" : ".");
                }
                else auth = connection.Auth;
            }
            catch (CryptographicException)
            {
                problem = $"The credentials of connection '{state.ConnectionId}' could not be decrypted; check Patchbay__EncryptionKeys.";
            }

            if (problem is not null)
            {
                await PauseAsync(run, problem, cancellationToken);
                return;
            }
        }

        // The outbox: read when anything is pending, without the bodies (up to 882 KiB each; those of the deliveries tried
        // are read below, a chunk at a time); attempted when its backoff has passed (as the schedule sees it).
        bool outboxOpen = state.NextOutboxAt is not { } blockedUntil || blockedUntil <= asOf;
        List<OutboxEntry> outbox = state.PendingCount > 0 || state.NextOutboxAt is not null
            ? [.. await _store.ReadOutboxHeadersAsync(state.Id, PollingConstants.MaxOutboxRead, cancellationToken)]
            : [];
        List<OutboxEntry> retries = outboxOpen ? [.. outbox.Where(e => e.NextAttemptAt <= asOf)] : [];

        // The poll.
        IReadOnlyList<PollRecord>? records = null;
        Exception? pollError = null;
        bool pollDue = run.PollNow || state.NextPollAt <= asOf;
        // The outbox's bound: a receiver that is down does not make it grow for as long as its deliveries back off. The
        // records stay upstream after LastPollTs; polling goes on from there once deliveries bring the outbox under it.
        bool pollHeld = pollDue && state.PendingCount >= PollingConstants.MaxPendingDeliveries;
        if (pollHeld)
        {
            pollDue = false;
            state.LastError = $"Not polled: {state.PendingCount} deliveries are pending (polls wait at {PollingConstants.MaxPendingDeliveries}); polling goes on once deliveries bring them under.";
            state.LastErrorAt = now;
            report.Error = state.LastError;
            _logger.LogWarning("Subscription {SubscriptionId} was not polled: {Pending} deliveries are pending", state.Id, state.PendingCount);
        }

        if (pollDue)
        {
            report.Polled = true;
            try
            {
                // Through the invoker when there is a connection: OAuth tokens are refreshed before expiry and once after a 401, as for actions.
                records = state.ConnectionId is { } connectionId && connector.Manifest.Auth.IsRequired
                    ? await _invoker.RunWithConnectionAsync(connector, connectionId, auth,
                        fresh => connector.ExecutePollingTriggerAsync(state.Trigger, state.Inputs, state.LastPollTs, _invoker.CreateContext(connector, fresh), cancellationToken), cancellationToken)
                    : await connector.ExecutePollingTriggerAsync(state.Trigger, state.Inputs, state.LastPollTs, _invoker.CreateContext(connector, auth), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                pollError = ex;
            }
        }

        if (records is not null && records.Count > PollingConstants.SeenIdCapacity)
        {
            // The seen-id set could not hold them all, and what it dropped would be delivered again on every poll.
            report.RecordsFound = records.Count;
            pollError = new TooManyRecordsException(records.Count);
            records = null;
        }

        var fresh = new List<OutboxEntry>();
        if (records is not null)
        {
            bool baseline = !state.Baselined && !state.DeliverExisting;
            report.RecordsFound = records.Count;
            report.Baseline = baseline;
            var queued = new HashSet<string>(StringComparer.Ordinal);
            foreach (PollRecord record in records)
            {
                string key = record.Key;
                // Touch: an id the upstream still answers stays in the set, however many others come and go.
                if (state.SeenIds.Touch(key) || !queued.Add(key)) continue;
                if (baseline)
                {
                    state.SeenIds.Add(key);
                    continue;
                }

                string eventId = DeliveryFormat.EventId(state.Id, key);
                byte[] body = DeliveryFormat.Body(eventId, state.Id, state.Connector, state.Trigger, record, now);
                if (body.Length > OutboxEntry.MaxBodyBytes)
                {
                    _logger.LogError("Record {RecordId} of subscription {SubscriptionId} is {Bytes} bytes, more than a delivery can hold ({Max}); it is skipped", key, state.Id, body.Length, OutboxEntry.MaxBodyBytes);
                    run.History.Add(new SubscriptionEvent
                    {
                        Status = SubscriptionEventStatus.Failed, Kind = SubscriptionEventStatus.DeliveryKind, EventId = eventId, RecordId = key,
                        Error = $"The record is {body.Length} bytes; deliveries hold at most {OutboxEntry.MaxBodyBytes}.", CreatedAt = now, At = now,
                    });
                    state.SeenIds.Add(key);
                    continue;
                }

                fresh.Add(new OutboxEntry { EventId = eventId, RecordId = key, Body = body, Seq = state.NextSeq++, CreatedAt = now, NextAttemptAt = now, UpdatedAt = now });
            }

            if (baseline) _logger.LogInformation("Subscription {SubscriptionId} took its baseline: {Count} existing records remembered, none delivered", state.Id, records.Count);
        }

        report.NewRecords = fresh.Count;
        List<OutboxEntry> toDeliver = outboxOpen ? [.. retries.Concat(fresh).Take(PollingConstants.MaxDeliveriesPerTick)] : [];

        // New records go into the outbox in the same transaction that moves LastPollTs past them (If-Match on the claim,
        // so a deleted subscription stops here). Before any delivery, the outbox holds everything that will be sent.
        if (fresh.Count > 0 || toDeliver.Count > 0)
        {
            if (state.NextOutboxAt is null) state.NextOutboxAt = now;
            List<OutboxEntry[]> chunks = [.. ChunkForTransaction(fresh)];
            if (chunks.Count == 0) chunks.Add([]);
            for (int i = 0; i < chunks.Count; i++)
            {
                foreach (OutboxEntry entry in chunks[i]) state.SeenIds.Add(entry.RecordId);
                state.PendingCount += chunks[i].Length;
                if (i == chunks.Count - 1 && records is not null) ApplyPoll(state, trigger, now, run.PollBase);
                run.ETag = await _store.CommitAsync(state, run.ETag, [.. chunks[i].Select(e => SubscriptionStore.OutboxInsert(state.Id, e))], cancellationToken);
            }

            if (fresh.Count > 0) _logger.LogInformation("Subscription {SubscriptionId} queued {Count} new records", state.Id, fresh.Count);
        }
        else if (records is not null)
        {
            ApplyPoll(state, trigger, now, run.PollBase);
        }

        await _faults.OnAsync(PollerFaultPoint.BeforeDelivery, state.Id, cancellationToken);

        // Deliveries, oldest first; the first failure stops them and holds the rest behind its backoff, keeping order.
        string? secret = null;
        string? pauseReason = null;
        bool attempted = false;
        DateTimeOffset? blockedUntilNext = null;
        bool stopped = false;
        var rows = new List<TableTransactionAction>();
        var delivered = new HashSet<string>(StringComparer.Ordinal);
        // A delivery that failed before goes alone first: while its receiver is still down, the tick reads one body, not a chunk's.
        IEnumerable<OutboxEntry[]> deliveryChunks = toDeliver.Count > 0 && toDeliver[0].Attempts > 0
            ? [[toDeliver[0]], .. toDeliver.Skip(1).Chunk(PollingConstants.DeliveriesPerCommit)]
            : toDeliver.Chunk(PollingConstants.DeliveriesPerCommit);
        foreach (OutboxEntry[] chunk in deliveryChunks)
        {
            if (rows.Count > 0)
            {
                run.ETag = await CommitWithHistoryAsync(run, rows, cancellationToken);
                rows.Clear();
            }

            // Retries were read without their bodies (new records carry theirs): so at most a chunk's bodies are in memory.
            IReadOnlyDictionary<string, byte[]> bodies = await _store.ReadOutboxBodiesAsync(state.Id, [.. chunk.Where(e => e.Body.Length == 0)], cancellationToken);
            foreach (OutboxEntry entry in chunk)
            {
                byte[] body = entry.Body.Length > 0 ? entry.Body : bodies.GetValueOrDefault(entry.RowKey) ?? [];
                if (body.Length == 0)
                {
                    // Gone since the outbox was read (the subscription deleted or resumed meanwhile): the commit's If-Match decides.
                    stopped = true;
                    break;
                }

                attempted = true;
                DeliveryResult result = await _sender.DeliverAsync(state.Destination, () => secret ??= _store.GetSigningSecret(state), entry.EventId, body, cancellationToken);
                DateTimeOffset at = _time.GetUtcNow();
                entry.Attempts++;
                entry.UpdatedAt = at;
                if (result.Success)
                {
                    delivered.Add(entry.EventId);
                    state.PendingCount--;
                    rows.Add(SubscriptionStore.OutboxDelete(state.Id, entry));
                    run.History.Add(new SubscriptionEvent
                    {
                        Status = SubscriptionEventStatus.Delivered, Kind = SubscriptionEventStatus.DeliveryKind, EventId = entry.EventId, RecordId = entry.RecordId,
                        Attempts = entry.Attempts, CreatedAt = entry.CreatedAt, At = at,
                    });
                    report.Delivered++;
                    _logger.LogInformation("Delivered event {EventId} (record {RecordId}) to the {DestinationType} on attempt {Attempt}", entry.EventId, entry.RecordId, state.Destination.Type, entry.Attempts);
                    continue;
                }

                entry.LastError = result.Error;
                entry.NextAttemptAt = at + DeliveryBackoff(entry.Attempts);
                blockedUntilNext = entry.NextAttemptAt;
                rows.Add(SubscriptionStore.OutboxAttempt(state.Id, entry));
                run.History.Add(new SubscriptionEvent
                {
                    Status = SubscriptionEventStatus.Failed, Kind = SubscriptionEventStatus.DeliveryKind, EventId = entry.EventId, RecordId = entry.RecordId,
                    Attempts = entry.Attempts, Error = result.Error, CreatedAt = entry.CreatedAt, At = at,
                });
                state.LastError = $"Delivery of {entry.EventId} failed: {result.Error}";
                state.LastErrorAt = at;
                report.FailedDeliveries++;
                report.Error = state.LastError;
                _logger.LogWarning("Delivery of event {EventId} (record {RecordId}) to the {DestinationType} failed on attempt {Attempt}: {Error}; next attempt at {NextAttemptAt:O}",
                    entry.EventId, entry.RecordId, state.Destination.Type, entry.Attempts, result.Error, entry.NextAttemptAt);
                if (entry.Attempts >= _maxFailures)
                {
                    pauseReason = $"Delivery of {entry.EventId} failed {entry.Attempts} times in a row: {result.Error}";
                }

                break;
            }

            if (blockedUntilNext is not null || stopped) break;
        }

        if (attempted) await _faults.OnAsync(PollerFaultPoint.AfterDelivery, state.Id, cancellationToken);

        // The outcome: outbox schedule, poll schedule or backoff, failures, pause, lease released.
        if (blockedUntilNext is { } blocked) state.NextOutboxAt = blocked;
        else if (state.PendingCount <= 0) state.NextOutboxAt = null;
        else if (attempted || state.NextOutboxAt is null)
        {
            DateTimeOffset? earliest = outbox.Concat(fresh).Where(e => !delivered.Contains(e.EventId)).Select(e => (DateTimeOffset?)e.NextAttemptAt).Min();
            state.NextOutboxAt = earliest is { } e && e > now ? e : now;
        }

        if (state.PendingCount < 0) state.PendingCount = 0;
        // A held poll is due again when the outbox can next move (a delivery's backoff), not on every tick before that.
        if (pollHeld && state.NextOutboxAt is { } outboxNext && outboxNext > state.NextPollAt) state.NextPollAt = outboxNext;

        if (pollError is RateLimitError limited)
        {
            TimeSpan wait = limited.RetryAfter > TimeSpan.FromSeconds(1) ? limited.RetryAfter : TimeSpan.FromSeconds(1);
            state.NextPollAt = now + wait;
            state.LastError = $"The upstream is rate limiting; polling again after {wait.TotalSeconds:0} s.";
            report.Error = state.LastError;
            state.LastErrorAt = now;
            run.History.Add(new SubscriptionEvent { Status = SubscriptionEventStatus.Failed, Kind = SubscriptionEventStatus.PollKind, Error = state.LastError, CreatedAt = now, At = now });
            _logger.LogWarning("Subscription {SubscriptionId} is rate limited; next poll at {NextPollAt:O}", state.Id, state.NextPollAt);
        }
        else if (pollError is ApiProblem { Type: ProblemTypes.ConnectionNotActive } inactive)
        {
            // The connection became unusable during the poll (an OAuth refresh answered invalid_grant: EXPIRED): paused, as
            // for a connection found not ACTIVE; its reason says how to reconnect.
            state.LastError = inactive.Message;
            state.LastErrorAt = now;
            report.Error = inactive.Message;
            run.History.Add(new SubscriptionEvent { Status = SubscriptionEventStatus.Failed, Kind = SubscriptionEventStatus.PollKind, Error = inactive.Message, CreatedAt = now, At = now });
            pauseReason = inactive.Message;
        }
        else if (pollError is not null)
        {
            state.ConsecutiveFailures++;
            string error = Describe(pollError);
            state.LastError = error;
            state.LastErrorAt = now;
            report.Error = error;
            state.NextPollAt = run.PollBase + PollBackoff(trigger.PollingInterval, state.ConsecutiveFailures);
            run.History.Add(new SubscriptionEvent { Status = SubscriptionEventStatus.Failed, Kind = SubscriptionEventStatus.PollKind, Error = error, Attempts = state.ConsecutiveFailures, CreatedAt = now, At = now });
            _logger.LogWarning("Poll of subscription {SubscriptionId} failed ({Failures} in a row): {Error}; next poll at {NextPollAt:O}", state.Id, state.ConsecutiveFailures, error, state.NextPollAt);
            if (state.ConsecutiveFailures >= _maxFailures)
            {
                pauseReason = $"Polling failed {state.ConsecutiveFailures} times in a row; last error: {error}";
            }
        }

        if (pauseReason is not null)
        {
            state.Status = SubscriptionStatus.Paused;
            state.PausedReason = pauseReason;
            report.Paused = true;
            report.Error = pauseReason;
            _logger.LogWarning("Subscription {SubscriptionId} is paused: {Reason}", state.Id, pauseReason);
        }

        await FinishAsync(run, rows, cancellationToken);
    }

    // LastPollTs is when the poll really started (the connector's "since"); the next poll is one interval after the
    // poll's place on the schedule (pollBase: the tick's scheduled time, or the clock when there is none).
    private static void ApplyPoll(SubscriptionState state, PollingTriggerDefinition trigger, DateTimeOffset polledAt, DateTimeOffset pollBase)
    {
        state.LastPollTs = polledAt;
        state.Baselined = true;
        state.ConsecutiveFailures = 0;
        state.NextPollAt = pollBase + trigger.PollingInterval;
    }

    private async Task PauseAsync(Run run, string reason, CancellationToken cancellationToken)
    {
        run.State.Status = SubscriptionStatus.Paused;
        run.State.PausedReason = reason;
        run.State.LastError = reason;
        run.State.LastErrorAt = run.Now;
        run.Report.Paused = true;
        run.Report.Error = reason;
        _logger.LogWarning("Subscription {SubscriptionId} is paused: {Reason}", run.State.Id, reason);
        await FinishAsync(run, [], cancellationToken);
    }

    // Writes the outcome and releases the lease in the same commit (ReleasedLease), then moves the due row only when the
    // outcome's due time is not where the claim put it (removes it when paused). A crash between the two leaves the row
    // where the claim put it: the tick that finds it there moves it to where the state says, or polls if that is due.
    private async Task FinishAsync(Run run, List<TableTransactionAction> rows, CancellationToken cancellationToken)
    {
        SubscriptionState state = run.State;
        state.ReleasedLease = run.Lease;
        state.RecomputeDue();
        if (state.HistoryCount + run.History.Count > PollingConstants.HistoryPruneAt)
        {
            state.HistoryCount = await _store.PruneHistoryAsync(state.Id, PollingConstants.HistoryKept, cancellationToken);
        }

        run.ETag = await CommitWithHistoryAsync(run, rows, cancellationToken);
        if (state.DueAt is not { } dueAt)
        {
            await _store.TryRemoveDueAsync(state.Id, run.Claim, cancellationToken);
        }
        else if (state.DueKey != run.Claim.RowKey && await _store.TryMoveDueAsync(state.Id, run.Claim, dueAt, null, cancellationToken) is { } moved)
        {
            // When the move fails, another run claimed the row after this one's commit released it; that run reads this outcome.
            run.Claim = moved;
        }
    }

    private async Task<ETag> CommitWithHistoryAsync(Run run, List<TableTransactionAction> rows, CancellationToken cancellationToken)
    {
        var actions = new List<TableTransactionAction>(rows);
        foreach (SubscriptionEvent e in run.History) actions.Add(SubscriptionStore.HistoryInsert(run.State.Id, run.State.NextSeq++, e));
        run.State.HistoryCount += run.History.Count;
        run.History.Clear();
        ETag etag = run.ETag;
        if (actions.Count == 0) return await _store.CommitAsync(run.State, etag, [], cancellationToken);
        foreach (TableTransactionAction[] chunk in actions.Chunk(99))
        {
            etag = await _store.CommitAsync(run.State, etag, chunk, cancellationToken);
        }

        return etag;
    }

    // Table Storage takes 100 operations and 4 MiB per transaction; the state row is one of them.
    private static IEnumerable<OutboxEntry[]> ChunkForTransaction(List<OutboxEntry> entries)
    {
        const int MaxBytes = 3 * 1024 * 1024;
        var chunk = new List<OutboxEntry>();
        int bytes = 0;
        foreach (OutboxEntry entry in entries)
        {
            int size = (entry.Body.Length * 4 / 3) + 1024;
            if (chunk.Count > 0 && (chunk.Count == 98 || bytes + size > MaxBytes))
            {
                yield return [.. chunk];
                chunk.Clear();
                bytes = 0;
            }

            chunk.Add(entry);
            bytes += size;
        }

        if (chunk.Count > 0) yield return [.. chunk];
    }

    /// <summary>After <paramref name="failures"/> failed polls in a row: interval × 2^failures, at most an hour (or the interval, if longer).</summary>
    public static TimeSpan PollBackoff(TimeSpan interval, int failures)
    {
        TimeSpan cap = interval > PollingConstants.MaxPollBackoff ? interval : PollingConstants.MaxPollBackoff;
        double factor = Math.Pow(2, Math.Min(failures, 30));
        return interval.TotalSeconds * factor >= cap.TotalSeconds ? cap : TimeSpan.FromSeconds(interval.TotalSeconds * factor);
    }

    /// <summary>After <paramref name="attempts"/> failed attempts at one delivery: 30 s × 2^(attempts − 1), at most an hour.</summary>
    public static TimeSpan DeliveryBackoff(int attempts)
    {
        double seconds = PollingConstants.DeliveryBaseDelay.TotalSeconds * Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        return seconds >= PollingConstants.MaxDeliveryBackoff.TotalSeconds ? PollingConstants.MaxDeliveryBackoff : TimeSpan.FromSeconds(seconds);
    }

    private static string Describe(Exception ex) => ex switch
    {
        HttpError http => $"The upstream answered HTTP {http.Status}: {http.ResponseMessage}",
        ValidationError validation => validation.Message,
        TimeoutException or TaskCanceledException => "The upstream did not answer in time.",
        TooManyRecordsException tooMany => tooMany.Message,
        HttpRequestException request => "The upstream could not be reached: " + request.Message,
        FetchBlockedException blocked => "The connector's request was refused: " + blocked.Message,
        ApiProblem problem => problem.Message,
        _ => $"The poll failed ({ex.GetType().Name}): {ex.Message}",
    };

    private sealed class Run(SubscriptionState state, ETag etag, DueSlot claim, string lease, DateTimeOffset now, DateTimeOffset asOf, DateTimeOffset pollBase, bool pollNow, RunReport report, ConnectionReads connections)
    {
        /// <summary>The connections of this run's batch, each read once for the batch.</summary>
        public ConnectionReads Connections { get; } = connections;

        public SubscriptionState State { get; } = state;
        public ETag ETag { get; set; } = etag;

        /// <summary>The due row as this run's claim left it (its ETag guards the run's later move).</summary>
        public DueSlot Claim { get; set; } = claim;

        /// <summary>This run's lease id, released by its last commit.</summary>
        public string Lease { get; } = lease;

        /// <summary>The clock when the subscription was claimed: LastPollTs, leases, event times.</summary>
        public DateTimeOffset Now { get; } = now;

        /// <summary>What is due is decided as of this time: the tick's scheduled time when the timer fired a little early, else <see cref="Now"/>.</summary>
        public DateTimeOffset AsOf { get; } = asOf;

        /// <summary>The poll's place on the schedule, from which the next poll is counted.</summary>
        public DateTimeOffset PollBase { get; } = pollBase;

        /// <summary>Polled whether or not it is due (<c>POST /api/subscriptions/{id}/poll</c>).</summary>
        public bool PollNow { get; } = pollNow;

        public List<SubscriptionEvent> History { get; } = [];

        public RunReport Report { get; } = report;
    }

    private sealed class TickCounters
    {
        public int Polled;
        public int Delivered;
        public int FailedDeliveries;
        public int Skipped;
        public int Paused;
        public int Errors;

        public void Add(RunReport report)
        {
            if (report.Polled) Interlocked.Increment(ref Polled);
            Interlocked.Add(ref Delivered, report.Delivered);
            Interlocked.Add(ref FailedDeliveries, report.FailedDeliveries);
            if (report.Paused) Interlocked.Increment(ref Paused);
        }
    }

    private sealed class TooManyRecordsException(int count) : Exception(
        $"The trigger answered {count} records in one poll; a poll may answer at most {PollingConstants.SeenIdCapacity}, the record ids a subscription remembers " +
        "(more could not be told apart from new records on the next poll and would be delivered again). Narrow what the trigger returns, e.g. with its inputs.");
}

/// <summary>How far one subscription's processing got.</summary>
public enum RunStatus
{
    /// <summary>Claimed and processed (polled when due, deliveries attempted, state written).</summary>
    Done,

    /// <summary>There is no such subscription.</summary>
    Missing,

    /// <summary>It is PAUSED: nothing was done.</summary>
    Paused,

    /// <summary>It was not due (a stale due-index row).</summary>
    NotDue,

    /// <summary>Another tick holds its lease (or claimed it first): nothing was done.</summary>
    Leased,

    /// <summary>It was deleted while it was being processed; nothing more was written or delivered.</summary>
    Changed,
}

/// <summary>One subscription's processing: its status, its state afterwards (when it still exists) and what it did.</summary>
/// <param name="HeldUntil">With <see cref="RunStatus.Leased"/>: until when the run holding it may hold it (its due row's lease), when known.</param>
public sealed record RunResult(RunStatus Status, SubscriptionState? State, RunReport? Report, DateTimeOffset? HeldUntil = null);

/// <summary>What one claimed run of a subscription did.</summary>
public sealed class RunReport
{
    /// <summary>Whether the trigger was polled (it was due, or the poll was asked for).</summary>
    public bool Polled { get; set; }

    /// <summary>Whether the poll was the baseline: records remembered, none delivered.</summary>
    public bool Baseline { get; set; }

    /// <summary>Records the poll answered (0 when it failed or did not happen).</summary>
    public int RecordsFound { get; set; }

    /// <summary>Records not seen before, queued in the outbox by this run.</summary>
    public int NewRecords { get; set; }

    public int Delivered { get; set; }

    public int FailedDeliveries { get; set; }

    /// <summary>Whether this run paused the subscription.</summary>
    public bool Paused { get; set; }

    /// <summary>What went wrong in this run: the failed poll, the failed delivery or the reason it was paused; <see langword="null"/> when nothing did.</summary>
    public string? Error { get; set; }
}

/// <summary>What one tick did.</summary>
/// <param name="Due">Subscriptions the due index offered.</param>
/// <param name="Polled">Polls made (successful or not).</param>
/// <param name="Delivered">Records delivered.</param>
/// <param name="FailedDeliveries">Delivery attempts that failed (the records wait in the outbox).</param>
/// <param name="Skipped">Due-index rows that were stale, or subscriptions another tick held.</param>
/// <param name="Paused">Subscriptions paused by this tick.</param>
/// <param name="Errors">Subscriptions whose processing broke off (they are retried after their lease lapses).</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record PollingTickResult(int Due, int Polled, int Delivered, int FailedDeliveries, int Skipped, int Paused, int Errors, TimeSpan Elapsed)
{
    public string Summary =>
        $"polled {Polled} subscriptions, delivered {Delivered} records ({FailedDeliveries} failed deliveries, {Skipped} skipped, {Paused} paused, {Errors} errors) in {Elapsed.TotalMilliseconds:0} ms";
}
