using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Patchbay.Platform.Connections;
using Patchbay.Platform.Polling;
using Patchbay.Platform.Storage;

namespace Patchbay.Platform.Subscriptions;

/// <summary>
/// Subscriptions in Table Storage.
/// <list type="bullet">
/// <item>Table <c>subscriptions</c>, one partition per subscription (PartitionKey = id): the state row
/// (RowKey = id too), its outbox (<c>o_{event id}</c>) and its recent history
/// (<c>e_{inverted ticks}_{seq}</c>, newest first). One partition lets a single entity-group transaction
/// check the poller's claim (If-Match on the state row) and write outbox rows together.</item>
/// <item>Table <c>subscriptiondue</c>, the due index and the claim (<see cref="DueIndex"/>): one due row and one pointer
/// row per active subscription, moved together in one transaction. A tick reads only <c>RowKey le '{now}_~'</c> of each
/// index partition, never every subscription. The state row is the truth about the poll state; the due row says when to
/// look at it and which run holds it.</item>
/// </list>
/// The signing secret is encrypted with the app's <see cref="CredentialProtector"/>, bound to the subscription id.
/// Ids are <c>sub_</c> and 32 lowercase hex digits; any other id is answered as absent without a storage call.
/// </summary>
public partial class SubscriptionStore
{
    public const string TableName = "subscriptions";
    public const string DueTableName = "subscriptiondue";
    private const string HistoryPrefix = "e_";
    private readonly TableClient _table;
    private readonly DueIndex _due;
    private readonly StorageGuard _guard;
    private readonly CredentialProtector _protector;
    private readonly TimeProvider _time;

    public SubscriptionStore(StorageClients storage, CredentialProtector protector, TimeProvider time)
    {
        _table = storage.Tables.GetTableClient(TableName);
        _due = new DueIndex(storage.Tables.GetTableClient(DueTableName), storage.Guard);
        _guard = storage.Guard;
        _protector = protector;
        _time = time;
    }

    protected SubscriptionStore()
    {
        _table = null!;
        _due = null!;
        _guard = null!;
        _protector = null!;
        _time = TimeProvider.System;
    }

    /// <summary>Whether <paramref name="id"/> is shaped like a subscription id (anything else names no subscription).</summary>
    public static bool IsWellFormedId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>Stores a new subscription, due at once, and answers it with its signing secret (the only time the secret leaves the store).</summary>
    /// <exception cref="ArgumentException">A value is over Table Storage's limits (callers check <see cref="Hosting.InputLimits"/> first); nothing was written.</exception>
    public virtual async Task<CreatedSubscription> CreateAsync(NewSubscription request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string id = "sub_" + Guid.NewGuid().ToString("N");
        string secret = DeliveryFormat.NewSigningSecret();
        (string keyId, string cipher) = _protector.Protect(Encoding.UTF8.GetBytes(secret), Bind(id));
        DateTimeOffset now = _time.GetUtcNow();
        var state = new SubscriptionState
        {
            Id = id,
            Connector = request.Connector,
            Trigger = request.Trigger,
            InputsJson = request.InputsJson,
            ConnectionId = request.ConnectionId,
            EntityId = request.EntityId,
            Destination = request.Destination,
            DeliverExisting = request.DeliverExisting,
            SecretKeyId = keyId,
            SecretCipher = cipher,
            CreatedAt = now,
            UpdatedAt = now,
            NextPollAt = now,
        };
        state.RecomputeDue();
        DueLease lease = NewLease("create", now);
        state.ReleasedLease = lease.Owner;

        TableEntity entity = state.ToEntity();
        StorageText.ThrowIfOversized(entity);

        // Index first, under a lease that the state row releases: a subscription without its due row would never be polled,
        // and a tick that finds the due row before the state row exists leaves it alone while the lease lasts (after it, the
        // row of a create that failed is dropped). When the state row cannot be written, the index rows go too (best effort).
        DueSlot slot = await _due.TryMoveAsync(id, null, state.DueAt!.Value, lease, cancellationToken)
            ?? throw new InvalidOperationException($"The due index already has rows for the new subscription '{id}'.");
        try
        {
            await _guard.RunAsync(_table, token => _table.AddEntityAsync(entity, token), cancellationToken);
        }
        catch (Exception)
        {
            await RemoveHintAsync(id, slot);
            throw;
        }

        return CreatedSubscription.From(state.ToSubscription(), secret);
    }

    /// <summary>The subscription and the ETag of its state row; <see langword="null"/> when it does not exist.</summary>
    public virtual async Task<(SubscriptionState State, ETag ETag)?> GetStateIfExistsAsync(string id, CancellationToken cancellationToken)
    {
        if (!IsWellFormedId(id)) return null;
        NullableResponse<TableEntity> response = await _guard.RunAsync(_table,
            token => _table.GetEntityIfExistsAsync<TableEntity>(id, SubscriptionState.RowKeyOf(id), cancellationToken: token), cancellationToken);
        return response.HasValue ? (SubscriptionState.FromEntity(response.Value!), response.Value!.ETag) : null;
    }

    public virtual async Task<Subscription?> GetIfExistsAsync(string id, CancellationToken cancellationToken) =>
        await GetStateIfExistsAsync(id, cancellationToken) is { } found ? found.State.ToSubscription() : null;

    /// <summary>
    /// The newest <paramref name="max"/> subscriptions of <paramref name="entityId"/>, or of every entity when it is
    /// <see langword="null"/>, newest first, and how many matched. Reads every state row (entity ids are not keys), only
    /// the columns a <see cref="Subscription"/> shows (not the seen-id set), and holds at most <paramref name="max"/> in memory.
    /// </summary>
    public virtual async Task<ListPage<Subscription>> ListAsync(string? entityId, int max, CancellationToken cancellationToken)
    {
        string filter = entityId is null
            ? TableClient.CreateQueryFilter($"RowKey ge {SubscriptionState.RowKeyFrom} and RowKey lt {SubscriptionState.RowKeyUntil}")
            : TableClient.CreateQueryFilter($"RowKey ge {SubscriptionState.RowKeyFrom} and RowKey lt {SubscriptionState.RowKeyUntil} and EntityId eq {entityId}");
        return await _guard.RunAsync(_table, async token =>
        {
            var newest = new NewestFirst<Subscription>(max, s => s.CreatedAt);
            await foreach (TableEntity entity in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: SubscriptionState.ListColumns, cancellationToken: token))
            {
                newest.Add(SubscriptionState.FromEntity(entity).ToSubscription());
            }

            return newest.ToPage();
        }, cancellationToken);
    }

    /// <summary>The decrypted signing secret.</summary>
    public virtual string GetSigningSecret(SubscriptionState state) =>
        Encoding.UTF8.GetString(_protector.Unprotect(state.SecretKeyId, state.SecretCipher, Bind(state.Id)));

    /// <summary>
    /// Deletes the subscription: first its state row (so a tick that holds a claim fails its next If-Match and
    /// delivers nothing more), then its due-index rows, outbox and history. <see langword="false"/> when there was none.
    /// </summary>
    public virtual async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (await GetStateIfExistsAsync(id, cancellationToken) is null) return false;
        Response response = await _guard.RunAsync(_table, token => _table.DeleteEntityAsync(id, SubscriptionState.RowKeyOf(id), ETag.All, token), cancellationToken);
        if (response.Status == 404) return false;

        // The pointer names the due row wherever a run moved it; a run that moves it between the read and the remove makes
        // the remove fail, so read again (a run that finds the state row gone removes its own rows as well).
        for (int attempt = 0; attempt < 3 && await _due.GetAsync(id, cancellationToken) is { } slot; attempt++)
        {
            if (await _due.TryRemoveAsync(id, slot, cancellationToken)) break;
        }

        await DeleteRowsAsync(id, TableClient.CreateQueryFilter($"PartitionKey eq {id}"), skip: 0, cancellationToken);
        return true;
    }

    /// <summary>PAUSED → ACTIVE: failures reset, due now, every pending delivery due now with a fresh attempt count.</summary>
    public virtual async Task<Subscription?> ResumeAsync(string id, CancellationToken cancellationToken)
    {
        if (await GetStateIfExistsAsync(id, cancellationToken) is not { } found) return null;
        (SubscriptionState state, ETag etag) = found;
        if (state.Status == SubscriptionStatus.Active) return state.ToSubscription();

        DateTimeOffset now = _time.GetUtcNow();
        state.Status = SubscriptionStatus.Active;
        state.PausedReason = null;
        state.ConsecutiveFailures = 0;
        state.NextPollAt = now;
        // Without the bodies: resuming changes the attempt fields only, and a paused subscription's outbox may be long.
        IReadOnlyList<OutboxEntry> outbox = await ReadOutboxHeadersAsync(id, int.MaxValue, cancellationToken);
        state.PendingCount = outbox.Count;
        state.NextOutboxAt = outbox.Count > 0 ? now : null;
        state.RecomputeDue();
        // The due row under a lease that the state commit releases (as for a new subscription); a paused subscription
        // normally has none, but one left by a run that crashed after pausing it is moved, not duplicated.
        DueLease lease = NewLease("resume", now);
        state.ReleasedLease = lease.Owner;
        if (await _due.TryMoveAsync(id, await _due.GetAsync(id, cancellationToken), state.DueAt!.Value, lease, cancellationToken) is null)
        {
            throw new SubscriptionChangedException(id, new InvalidOperationException("The due index changed while the subscription was being resumed."));
        }

        var updates = outbox.Select(entry =>
        {
            entry.Attempts = 0;
            entry.NextAttemptAt = now;
            entry.UpdatedAt = now;
            return new TableTransactionAction(TableTransactionActionType.UpdateMerge, entry.ToAttemptEntity(id), ETag.All);
        }).ToList();
        if (updates.Count == 0) await CommitAsync(state, etag, [], cancellationToken);
        foreach (TableTransactionAction[] chunk in updates.Chunk(99))
        {
            etag = await CommitAsync(state, etag, chunk, cancellationToken);
        }

        return state.ToSubscription();
    }

    /// <summary>Recent deliveries and failures, newest first: pending outbox entries and the history rows.</summary>
    public virtual async Task<IReadOnlyList<SubscriptionEvent>> ListEventsAsync(string id, int limit, CancellationToken cancellationToken)
    {
        var events = new List<SubscriptionEvent>();
        events.AddRange((await ReadOutboxHeadersAsync(id, PollingConstants.MaxOutboxRead, cancellationToken)).Select(e => e.ToEvent()));
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {id} and RowKey ge {HistoryPrefix} and RowKey lt {"e`"}");
        events.AddRange(await _guard.RunAsync(_table, async token =>
        {
            var found = new List<SubscriptionEvent>();
            await foreach (TableEntity row in _table.QueryAsync<TableEntity>(filter, maxPerPage: limit, cancellationToken: token))
            {
                if (found.Count >= limit) break;
                found.Add(new SubscriptionEvent
                {
                    Status = row.GetString("Status"),
                    Kind = row.GetString("Kind"),
                    EventId = row.GetString("EventId"),
                    RecordId = row.GetString("RecordId"),
                    Attempts = row.GetInt32("Attempts") ?? 0,
                    Error = row.GetString("Error"),
                    CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
                    At = row.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue,
                });
            }

            return found;
        }, cancellationToken));

        return [.. events.OrderByDescending(e => e.At).ThenByDescending(e => e.CreatedAt).Take(limit)];
    }

    /// <summary>Due-index rows with DueAt at or before <paramref name="now"/>, oldest first, at most <paramref name="max"/> (see <see cref="DueIndex.QueryAsync"/>).</summary>
    public virtual Task<IReadOnlyList<DueEntry>> QueryDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) =>
        _due.QueryAsync(now, max, cancellationToken);

    /// <summary>Where the subscription's due row is and who holds it (its pointer row); <see langword="null"/> when it has none.</summary>
    public virtual Task<DueSlot?> GetDueSlotAsync(string id, CancellationToken cancellationToken) => _due.GetAsync(id, cancellationToken);

    /// <summary>
    /// Claims the subscription, or moves its due row after a run: moves the due row from <paramref name="from"/> (If-Match)
    /// to <paramref name="dueAt"/> with <paramref name="lease"/> (see <see cref="DueIndex"/>).
    /// </summary>
    /// <returns>The moved row; <see langword="null"/> when another run moved or removed it first.</returns>
    public virtual Task<DueSlot?> TryMoveDueAsync(string id, DueSlot? from, DateTimeOffset dueAt, DueLease? lease, CancellationToken cancellationToken) =>
        _due.TryMoveAsync(id, from, dueAt, lease, cancellationToken);

    /// <summary>Removes the subscription's due row and pointer (If-Match <paramref name="from"/>); <see langword="false"/> when another run moved them first.</summary>
    public virtual Task<bool> TryRemoveDueAsync(string id, DueSlot from, CancellationToken cancellationToken) => _due.TryRemoveAsync(id, from, cancellationToken);

    /// <summary>A lease for a run of <paramref name="kind"/> (<c>create</c>, <c>resume</c>, or a tick's id): unique, until now + the lease duration.</summary>
    public static DueLease NewLease(string kind, DateTimeOffset now) =>
        new(kind + "." + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)), now + PollingConstants.LeaseDuration);

    /// <summary>
    /// Writes the state row (If-Match <paramref name="etag"/>) and up to 99 rows of its partition in one transaction.
    /// </summary>
    /// <returns>The state row's new ETag.</returns>
    /// <exception cref="SubscriptionChangedException">The subscription was deleted or changed by someone else; nothing was written.</exception>
    public virtual async Task<ETag> CommitAsync(SubscriptionState state, ETag etag, IReadOnlyCollection<TableTransactionAction> rows, CancellationToken cancellationToken)
    {
        if (rows.Count > 99) throw new ArgumentException("A transaction holds at most 100 operations.", nameof(rows));
        state.UpdatedAt = _time.GetUtcNow();
        // Replace, not merge: a merge leaves properties that are now null (NextOutboxAt, PausedReason) as they were.
        var actions = new List<TableTransactionAction>(rows.Count + 1) { new(TableTransactionActionType.UpdateReplace, state.ToEntity(), etag) };
        actions.AddRange(rows);
        try
        {
            Response<IReadOnlyList<Response>> response = await _guard.RunAsync(_table, token => _table.SubmitTransactionAsync(actions, token), cancellationToken);
            return response.Value[0].Headers.ETag ?? throw new InvalidOperationException("Table Storage answered the update without an ETag.");
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 412)
        {
            throw new SubscriptionChangedException(state.Id, ex);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            throw new SubscriptionChangedException(state.Id, ex);
        }
    }

    /// <summary>
    /// The subscription's pending deliveries, oldest first, at most <paramref name="max"/>, without their bodies
    /// (<see cref="OutboxEntry.Body"/> is empty; a body may be up to <see cref="OutboxEntry.MaxBodyBytes"/>): everything
    /// listing them, resuming and scheduling them needs. <see cref="ReadOutboxBodiesAsync"/> reads the bodies of those delivered.
    /// </summary>
    public virtual async Task<IReadOnlyList<OutboxEntry>> ReadOutboxHeadersAsync(string id, int max, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {id} and RowKey ge {OutboxEntry.RowPrefix} and RowKey lt {"o`"}");
        List<OutboxEntry> entries = await _guard.RunAsync(_table, async token =>
        {
            var found = new List<OutboxEntry>();
            await foreach (TableEntity row in _table.QueryAsync<TableEntity>(filter, select: OutboxEntry.HeaderColumns, cancellationToken: token))
            {
                found.Add(OutboxEntry.FromEntity(row));
                if (found.Count >= max) break;
            }

            return found;
        }, cancellationToken);

        return [.. entries.OrderBy(e => e.Seq)];
    }

    /// <summary>
    /// The bodies of <paramref name="entries"/>, read without them (<see cref="ReadOutboxHeadersAsync"/>), by row key: one
    /// range read from the first of their keys to the last, a page of as many rows as asked for at a time, keeping only those
    /// asked for. Rows gone meanwhile are missing from the answer.
    /// </summary>
    public virtual async Task<IReadOnlyDictionary<string, byte[]>> ReadOutboxBodiesAsync(string id, IReadOnlyCollection<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0) return new Dictionary<string, byte[]>();
        var wanted = new SortedSet<string>(entries.Select(e => e.RowKey), StringComparer.Ordinal);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {id} and RowKey ge {wanted.Min} and RowKey le {wanted.Max}");
        return await _guard.RunAsync(_table, async token =>
        {
            var bodies = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            await foreach (TableEntity row in _table.QueryAsync<TableEntity>(filter, maxPerPage: wanted.Count, cancellationToken: token))
            {
                if (wanted.Contains(row.RowKey)) bodies[row.RowKey] = OutboxEntry.FromEntity(row).Body;
                if (bodies.Count == wanted.Count) break;
            }

            return bodies;
        }, cancellationToken);
    }

    /// <summary>Deletes history rows beyond the newest <paramref name="keep"/>; answers how many are left.</summary>
    public virtual async Task<int> PruneHistoryAsync(string id, int keep, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {id} and RowKey ge {HistoryPrefix} and RowKey lt {"e`"}");
        int seen = await DeleteRowsAsync(id, filter, skip: keep, cancellationToken);
        return Math.Min(seen, keep);
    }

    /// <summary>
    /// Deletes the rows of partition <paramref name="id"/> that <paramref name="filter"/> finds, after the first
    /// <paramref name="skip"/>, 100 per entity-group transaction (Table Storage's limit), streaming the keys (never more
    /// than one batch in memory). Each delete is addressed by the partition it was asked for and the row key read, never
    /// by the queried entity itself: a projection (<c>select</c>) leaves out whatever it does not name, and an entity
    /// without its PartitionKey cannot be deleted. A row that is already gone (a concurrent prune) is skipped.
    /// </summary>
    /// <returns>How many rows the query found, deleted or not.</returns>
    // Deletes the rows of the partition that match, after the first `skip`, a transaction of 100 at a time; answers how many matched.
    // Under the storage guard as a whole (its timeout bounds the lot); a repeat is harmless, since every step is a delete.
    private Task<int> DeleteRowsAsync(string id, string filter, int skip, CancellationToken cancellationToken) =>
        _guard.RunAsync(_table, async token =>
        {
            var batch = new List<string>(100);
            int found = 0;
            await foreach (TableEntity row in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey"], cancellationToken: token))
            {
                if (++found <= skip) continue;
                batch.Add(row.RowKey);
                if (batch.Count == 100)
                {
                    await DeleteBatchAsync(id, batch, token);
                    batch.Clear();
                }
            }

            if (batch.Count > 0) await DeleteBatchAsync(id, batch, token);
            return found;
        }, cancellationToken);

    private async Task DeleteBatchAsync(string id, List<string> rowKeys, CancellationToken cancellationToken)
    {
        try
        {
            await _table.SubmitTransactionAsync(rowKeys.Select(rowKey => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(id, rowKey), ETag.All)), cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 404)
        {
            // One row of the batch was deleted meanwhile, so the whole batch failed; delete them one by one (a 404 is answered, not thrown).
            foreach (string rowKey in rowKeys) await _table.DeleteEntityAsync(id, rowKey, ETag.All, cancellationToken);
        }
    }

    /// <summary>An outbox row as a transaction step (an upsert: a step repeated cannot fail the batch).</summary>
    public static TableTransactionAction OutboxInsert(string id, OutboxEntry entry) =>
        new(TableTransactionActionType.UpsertReplace, entry.ToEntity(id));

    public static TableTransactionAction OutboxDelete(string id, OutboxEntry entry) =>
        new(TableTransactionActionType.Delete, new TableEntity(id, entry.RowKey), ETag.All);

    public static TableTransactionAction OutboxAttempt(string id, OutboxEntry entry) =>
        new(TableTransactionActionType.UpdateMerge, entry.ToAttemptEntity(id), ETag.All);

    /// <summary>A history row; <paramref name="seq"/> (the state row's <c>NextSeq</c>) keeps keys unique within one instant.</summary>
    public static TableTransactionAction HistoryInsert(string id, long seq, SubscriptionEvent e)
    {
        string rowKey = HistoryPrefix + (DateTimeOffset.MaxValue.UtcTicks - e.At.UtcTicks).ToString("D19", CultureInfo.InvariantCulture)
            + "_" + (long.MaxValue - seq).ToString("D19", CultureInfo.InvariantCulture);
        return new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(id, rowKey)
        {
            ["Kind"] = e.Kind,
            ["Status"] = e.Status,
            ["EventId"] = e.EventId,
            ["RecordId"] = StorageText.Bound(e.RecordId),
            ["Attempts"] = e.Attempts,
            ["Error"] = StorageText.Bound(e.Error),
            ["CreatedAt"] = e.CreatedAt,
            ["At"] = e.At,
        });
    }

    private async Task RemoveHintAsync(string id, DueSlot slot)
    {
        try
        {
            await _due.TryRemoveAsync(id, slot, CancellationToken.None);
        }
        catch (Exception ex) when (ex is StorageUnavailableException or RequestFailedException)
        {
            // A stale hint is harmless: the tick that finds it finds no subscription and deletes it.
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^sub_[0-9a-f]{32}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex IdPattern();

    private static byte[] Bind(string id) => Encoding.UTF8.GetBytes($"patchbay-subscription|{id}");
}

/// <summary>What <c>POST /api/subscriptions</c> asks for, validated.</summary>
public sealed record NewSubscription(string Connector, string Trigger, string InputsJson, string? ConnectionId, string EntityId, SubscriptionDestination Destination, bool DeliverExisting);

/// <summary>
/// One due-index row as a tick found it: an opaque key (where the row is, its ETag and lease: what the claim needs; see
/// <see cref="DueSlot.FromKey"/>) and the subscription it points at. Small, so a queue message can carry it.
/// </summary>
public readonly record struct DueEntry(string Key, string SubscriptionId);

/// <summary>The subscription was deleted or changed while a tick held it; the tick's write did not happen.</summary>
public sealed class SubscriptionChangedException(string id, Exception inner)
    : Exception($"Subscription '{id}' was deleted or changed while it was being polled.", inner)
{
    public string SubscriptionId { get; } = id;
}
