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
/// (RowKey <c>subscription</c>), its outbox (<c>o_{event id}</c>) and its recent history
/// (<c>e_{inverted ticks}_{seq}</c>, newest first). One partition lets a single entity-group transaction
/// check the poller's claim (If-Match on the state row) and write outbox rows together.</item>
/// <item>Table <c>subscriptiondue</c>, the due index: PartitionKey <c>due</c>, RowKey
/// <c>{DueAt:yyyyMMddHHmmssfff}_{id}</c>. A tick reads only <c>RowKey le '{now}_~'</c>, never every subscription.
/// The state row is the truth; an index row is a hint, written before the state row points at it and removed
/// after, so a crash leaves at worst a stale hint, which the next tick drops.</item>
/// </list>
/// The signing secret is encrypted with the app's <see cref="CredentialProtector"/>, bound to the subscription id.
/// </summary>
public class SubscriptionStore
{
    public const string TableName = "subscriptions";
    public const string DueTableName = "subscriptiondue";
    public const string DuePartition = "due";
    private const string HistoryPrefix = "e_";
    private readonly TableClient _table;
    private readonly TableClient _due;
    private readonly CredentialProtector _protector;
    private readonly TimeProvider _time;
    private int _created;

    public SubscriptionStore(StorageClients storage, CredentialProtector protector, TimeProvider time)
    {
        _table = storage.Tables.GetTableClient(TableName);
        _due = storage.Tables.GetTableClient(DueTableName);
        _protector = protector;
        _time = time;
    }

    protected SubscriptionStore()
    {
        _table = null!;
        _due = null!;
        _protector = null!;
        _time = TimeProvider.System;
    }

    /// <summary>Stores a new subscription, due at once, and answers it with its signing secret (the only time the secret leaves the store).</summary>
    public virtual async Task<CreatedSubscription> CreateAsync(NewSubscription request, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
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

        // Index first: a hint without its subscription is dropped by the next tick; a subscription without its hint would never be polled.
        await UpsertDueAsync(state.DueKey!, id, cancellationToken);
        await _table.AddEntityAsync(state.ToEntity(), cancellationToken);
        return CreatedSubscription.From(state.ToSubscription(), secret);
    }

    /// <summary>The subscription and the ETag of its state row; <see langword="null"/> when it does not exist.</summary>
    public virtual async Task<(SubscriptionState State, ETag ETag)?> GetStateIfExistsAsync(string id, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        NullableResponse<TableEntity> response = await _table.GetEntityIfExistsAsync<TableEntity>(id, SubscriptionState.RowKey, cancellationToken: cancellationToken);
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
        await EnsureTablesAsync(cancellationToken);
        string filter = entityId is null
            ? TableClient.CreateQueryFilter($"RowKey eq {SubscriptionState.RowKey}")
            : TableClient.CreateQueryFilter($"RowKey eq {SubscriptionState.RowKey} and EntityId eq {entityId}");
        var newest = new NewestFirst<Subscription>(max, s => s.CreatedAt);
        await foreach (TableEntity entity in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: SubscriptionState.ListColumns, cancellationToken: cancellationToken))
        {
            newest.Add(SubscriptionState.FromEntity(entity).ToSubscription());
        }

        return newest.ToPage();
    }

    /// <summary>The decrypted signing secret.</summary>
    public virtual string GetSigningSecret(SubscriptionState state) =>
        Encoding.UTF8.GetString(_protector.Unprotect(state.SecretKeyId, state.SecretCipher, Bind(state.Id)));

    /// <summary>
    /// Deletes the subscription: first its state row (so a tick that holds a claim fails its next If-Match and
    /// delivers nothing more), then its due-index row, outbox and history. <see langword="false"/> when there was none.
    /// </summary>
    public virtual async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (await GetStateIfExistsAsync(id, cancellationToken) is not { } found) return false;
        Response response = await _table.DeleteEntityAsync(id, SubscriptionState.RowKey, ETag.All, cancellationToken);
        if (response.Status == 404) return false;
        if (found.State.DueKey is { } dueKey) await DeleteDueAsync(dueKey, cancellationToken);

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
        string? oldDueKey = state.DueKey;
        state.Status = SubscriptionStatus.Active;
        state.PausedReason = null;
        state.ConsecutiveFailures = 0;
        state.NextPollAt = now;
        state.LeaseUntil = null;
        state.LeaseOwner = null;
        IReadOnlyList<OutboxEntry> outbox = await ReadOutboxAsync(id, int.MaxValue, cancellationToken);
        state.PendingCount = outbox.Count;
        state.NextOutboxAt = outbox.Count > 0 ? now : null;
        state.RecomputeDue();
        await UpsertDueAsync(state.DueKey!, id, cancellationToken);

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

        if (oldDueKey is not null && oldDueKey != state.DueKey) await DeleteDueAsync(oldDueKey, cancellationToken);
        return state.ToSubscription();
    }

    /// <summary>Recent deliveries and failures, newest first: pending outbox entries and the history rows.</summary>
    public virtual async Task<IReadOnlyList<SubscriptionEvent>> ListEventsAsync(string id, int limit, CancellationToken cancellationToken)
    {
        var events = new List<SubscriptionEvent>();
        events.AddRange((await ReadOutboxAsync(id, PollingConstants.MaxOutboxRead, cancellationToken)).Select(e => e.ToEvent()));
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {id} and RowKey ge {HistoryPrefix} and RowKey lt {"e`"}");
        int history = 0;
        await foreach (TableEntity row in _table.QueryAsync<TableEntity>(filter, maxPerPage: limit, cancellationToken: cancellationToken))
        {
            if (++history > limit) break;
            events.Add(new SubscriptionEvent
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

        return [.. events.OrderByDescending(e => e.At).ThenByDescending(e => e.CreatedAt).Take(limit)];
    }

    /// <summary>Due-index rows with DueAt at or before <paramref name="now"/>, oldest first, at most <paramref name="max"/>.</summary>
    public virtual async Task<IReadOnlyList<DueEntry>> QueryDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        string upper = now.UtcDateTime.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture) + "_~";
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {DuePartition} and RowKey le {upper}");
        var due = new List<DueEntry>();
        await foreach (TableEntity row in _due.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), select: ["RowKey", "SubscriptionId"], cancellationToken: cancellationToken))
        {
            due.Add(new DueEntry(row.RowKey, row.GetString("SubscriptionId")));
            if (due.Count >= max) break;
        }

        return due;
    }

    public virtual async Task UpsertDueAsync(string dueKey, string id, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        await _due.UpsertEntityAsync(new TableEntity(DuePartition, dueKey) { ["SubscriptionId"] = id }, TableUpdateMode.Replace, cancellationToken);
    }

    public virtual async Task DeleteDueAsync(string dueKey, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        await _due.DeleteEntityAsync(DuePartition, dueKey, ETag.All, cancellationToken);
    }

    /// <summary>Takes the lease with an If-Match on the row as read; <see langword="null"/> when another tick got there first or the row is gone.</summary>
    public virtual async Task<ETag?> TryClaimAsync(string id, ETag etag, DateTimeOffset leaseUntil, string owner, CancellationToken cancellationToken)
    {
        var patch = new TableEntity(id, SubscriptionState.RowKey) { ["LeaseUntil"] = leaseUntil, ["LeaseOwner"] = owner };
        try
        {
            Response response = await _table.UpdateEntityAsync(patch, etag, TableUpdateMode.Merge, cancellationToken);
            return response.Headers.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes the state row (If-Match <paramref name="etag"/>) and up to 99 rows of its partition in one transaction.
    /// </summary>
    /// <returns>The state row's new ETag.</returns>
    /// <exception cref="SubscriptionChangedException">The subscription was deleted or changed by someone else; nothing was written.</exception>
    public virtual async Task<ETag> CommitAsync(SubscriptionState state, ETag etag, IReadOnlyCollection<TableTransactionAction> rows, CancellationToken cancellationToken)
    {
        if (rows.Count > 99) throw new ArgumentException("A transaction holds at most 100 operations.", nameof(rows));
        state.UpdatedAt = _time.GetUtcNow();
        // Replace, not merge: a merge leaves properties that are now null (LeaseUntil, NextOutboxAt, PausedReason) as they were.
        var actions = new List<TableTransactionAction>(rows.Count + 1) { new(TableTransactionActionType.UpdateReplace, state.ToEntity(), etag) };
        actions.AddRange(rows);
        try
        {
            Response<IReadOnlyList<Response>> response = await _table.SubmitTransactionAsync(actions, cancellationToken);
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

    /// <summary>The subscription's outbox, oldest first.</summary>
    public virtual async Task<IReadOnlyList<OutboxEntry>> ReadOutboxAsync(string id, int max, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {id} and RowKey ge {OutboxEntry.RowPrefix} and RowKey lt {"o`"}");
        var entries = new List<OutboxEntry>();
        await foreach (TableEntity row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            entries.Add(OutboxEntry.FromEntity(row));
            if (entries.Count >= max) break;
        }

        return [.. entries.OrderBy(e => e.Seq)];
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
    private async Task<int> DeleteRowsAsync(string id, string filter, int skip, CancellationToken cancellationToken)
    {
        var batch = new List<string>(100);
        int found = 0;
        await foreach (TableEntity row in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            if (++found <= skip) continue;
            batch.Add(row.RowKey);
            if (batch.Count == 100)
            {
                await DeleteBatchAsync(id, batch, cancellationToken);
                batch.Clear();
            }
        }

        if (batch.Count > 0) await DeleteBatchAsync(id, batch, cancellationToken);
        return found;
    }

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

    /// <summary>An outbox row as a transaction step (upsert, so a record queued twice cannot fail the batch).</summary>
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
            ["RecordId"] = e.RecordId,
            ["Attempts"] = e.Attempts,
            ["Error"] = e.Error,
            ["CreatedAt"] = e.CreatedAt,
            ["At"] = e.At,
        });
    }

    private async Task EnsureTablesAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 1) return;
        await _table.CreateIfNotExistsAsync(cancellationToken);
        await _due.CreateIfNotExistsAsync(cancellationToken);
        Volatile.Write(ref _created, 1);
    }

    private static byte[] Bind(string id) => Encoding.UTF8.GetBytes($"patchbay-subscription|{id}");
}

/// <summary>What <c>POST /api/subscriptions</c> asks for, validated.</summary>
public sealed record NewSubscription(string Connector, string Trigger, string InputsJson, string? ConnectionId, string EntityId, SubscriptionDestination Destination, bool DeliverExisting);

/// <summary>One due-index row: its key and the subscription it points at.</summary>
public readonly record struct DueEntry(string Key, string SubscriptionId);

/// <summary>The subscription was deleted or changed while a tick held it; the tick's write did not happen.</summary>
public sealed class SubscriptionChangedException(string id, Exception inner)
    : Exception($"Subscription '{id}' was deleted or changed while it was being polled.", inner)
{
    public string SubscriptionId { get; } = id;
}
