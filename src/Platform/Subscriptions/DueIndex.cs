using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Patchbay.Platform.Storage;

namespace Patchbay.Platform.Subscriptions;

/// <summary>
/// The due index (table <c>subscriptiondue</c>) and the claim that guards a subscription's runs.
/// <para>
/// Every active subscription has exactly two rows in one of <see cref="Shards"/> partitions (<c>due-0</c> … <c>due-f</c>,
/// the id's last hex digit): its <b>due row</b> (RowKey <c>{DueAt:yyyyMMddHHmmssfff}_{id}</c>, which a tick finds with
/// <c>RowKey le '{now}_~'</c> in each partition, never a scan) and its <b>pointer row</b> (RowKey <c>s_{id}</c>, which names
/// the due row's key, so delete and poll-now find it by id). Both change together in one entity-group transaction, so
/// there is never a second due row nor a lost one, and moving a subscription's due time is one request.
/// </para>
/// <para>
/// <b>The claim is that move.</b> A run claims a subscription by moving its due row, If-Match on the ETag the due query (or
/// the pointer) returned, to when the subscription will be due after a successful run, and records a lease on it
/// (<c>LeaseOwner</c>, <c>LeaseUntil</c>). Of two overlapping ticks (or a repeated queue message, or a poll-now) only one
/// move succeeds. A crashed run needs no clean-up: its due row already says when to come back, and its lease lapses.
/// A run that finishes releases its lease <i>implicitly</i>: its last state-row commit records <c>ReleasedLease</c> = its
/// lease id, and a lease whose id the state row names is no lease. So a poll that finds nothing new writes the state row
/// once and nothing more: read state, claim, commit = 3 table requests.
/// </para>
/// </summary>
public sealed class DueIndex
{
    /// <summary>Partitions of the due index (spreads the index's writes over partitions in Azure; a tick queries each once).</summary>
    public const int Shards = 16;

    private const string PointerPrefix = "s_";
    private readonly TableClient _due;
    private readonly StorageGuard _guard;

    public DueIndex(TableClient due, StorageGuard guard)
    {
        _due = due;
        _guard = guard;
    }

    /// <summary>The partition holding <paramref name="id"/>'s rows: <c>due-</c> and the id's last hex digit.</summary>
    public static string PartitionOf(string id) => "due-" + id[^1];

    /// <summary>The due row's RowKey: sortable UTC time to the millisecond, then the id.</summary>
    public static string RowKeyOf(DateTimeOffset due, string id) =>
        due.UtcDateTime.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture) + "_" + id;

    /// <summary>
    /// Due rows with a due time at or before <paramref name="now"/>, oldest first, at most <paramref name="max"/>: one range
    /// query per partition, in parallel. Each entry's key carries what the claim needs (the row's ETag and lease).
    /// </summary>
    public async Task<IReadOnlyList<DueEntry>> QueryAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        string upper = now.UtcDateTime.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture) + "_~";
        IEnumerable<Task<List<(string RowKey, DueEntry Entry)>>> shards = Enumerable.Range(0, Shards).Select(n => _guard.RunAsync(_due, async token =>
        {
            string partition = "due-" + n.ToString("x", CultureInfo.InvariantCulture);
            string filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey le {upper}");
            var found = new List<(string, DueEntry)>();
            await foreach (TableEntity row in _due.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000),
                select: ["RowKey", "SubscriptionId", "LeaseOwner", "LeaseUntil"], cancellationToken: token))
            {
                var slot = new DueSlot(row.RowKey, row.ETag, ETagOfPointer: false, row.GetString("LeaseOwner"), row.GetDateTimeOffset("LeaseUntil"));
                found.Add((row.RowKey, new DueEntry(slot.ToKey(), row.GetString("SubscriptionId"))));
                if (found.Count >= max) break;
            }

            return found;
        }, cancellationToken));

        List<(string RowKey, DueEntry Entry)>[] all = await Task.WhenAll(shards);
        return [.. all.SelectMany(rows => rows).OrderBy(row => row.RowKey, StringComparer.Ordinal).Take(max).Select(row => row.Entry)];
    }

    /// <summary>Where <paramref name="id"/>'s due row is (from its pointer row), with the pointer's ETag; <see langword="null"/> when it has none.</summary>
    public async Task<DueSlot?> GetAsync(string id, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> pointer = await _guard.RunAsync(_due,
            token => _due.GetEntityIfExistsAsync<TableEntity>(PartitionOf(id), PointerPrefix + id, cancellationToken: token), cancellationToken);
        if (!pointer.HasValue) return null;
        TableEntity row = pointer.Value!;
        return new DueSlot(row.GetString("DueKey"), row.ETag, ETagOfPointer: true, row.GetString("LeaseOwner"), row.GetDateTimeOffset("LeaseUntil"));
    }

    /// <summary>
    /// Moves <paramref name="id"/>'s due row from <paramref name="from"/> (If-Match its ETag; <see langword="null"/>: the
    /// subscription has no index rows yet, and this adds them) to <paramref name="dueAt"/>, with <paramref name="lease"/> on
    /// it (or none), and its pointer with it: one entity-group transaction.
    /// </summary>
    /// <returns>The due row as moved, with its new ETag; <see langword="null"/> when someone else moved or removed it first.</returns>
    public async Task<DueSlot?> TryMoveAsync(string id, DueSlot? from, DateTimeOffset dueAt, DueLease? lease, CancellationToken cancellationToken)
    {
        string partition = PartitionOf(id);
        string rowKey = RowKeyOf(dueAt, id);
        var row = new TableEntity(partition, rowKey) { ["SubscriptionId"] = id, ["LeaseOwner"] = lease?.Owner, ["LeaseUntil"] = lease?.Until };
        var pointer = new TableEntity(partition, PointerPrefix + id) { ["DueKey"] = rowKey, ["LeaseOwner"] = lease?.Owner, ["LeaseUntil"] = lease?.Until };
        var actions = new List<TableTransactionAction>(3);
        if (from is null)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, row));
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, pointer));
        }
        else
        {
            ETag rowMatch = from.ETagOfPointer ? ETag.All : from.ETag;
            if (from.RowKey == rowKey)
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, rowMatch));
            }
            else
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, from.RowKey), rowMatch));
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, row));
            }

            actions.Add(from.ETagOfPointer
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, pointer, from.ETag)
                : new TableTransactionAction(TableTransactionActionType.UpsertReplace, pointer));
        }

        int rowAction = actions.FindIndex(a => a.Entity.RowKey == rowKey);
        Response<IReadOnlyList<Response>>? response = await SubmitAsync(actions, cancellationToken);
        if (response is null) return null;
        // Batch responses carry each operation's new ETag; should one be missing, the pointer's (changed in the same transaction) guards as well.
        return response.Value[rowAction].Headers.ETag is { } etag
            ? new DueSlot(rowKey, etag, ETagOfPointer: false, lease?.Owner, lease?.Until)
            : response.Value[^1].Headers.ETag is { } pointerETag ? new DueSlot(rowKey, pointerETag, ETagOfPointer: true, lease?.Owner, lease?.Until) : null;
    }

    /// <summary>Removes <paramref name="id"/>'s due row and pointer (If-Match <paramref name="from"/>'s ETag): one transaction.</summary>
    /// <returns><see langword="false"/> when someone else moved or removed them first.</returns>
    public async Task<bool> TryRemoveAsync(string id, DueSlot from, CancellationToken cancellationToken)
    {
        string partition = PartitionOf(id);
        TableTransactionAction[] actions =
        [
            new(TableTransactionActionType.Delete, new TableEntity(partition, from.RowKey), from.ETagOfPointer ? ETag.All : from.ETag),
            new(TableTransactionActionType.Delete, new TableEntity(partition, PointerPrefix + id), from.ETagOfPointer ? from.ETag : ETag.All),
        ];
        return await SubmitAsync(actions, cancellationToken) is not null;
    }

    private async Task<Response<IReadOnlyList<Response>>?> SubmitAsync(List<TableTransactionAction> actions, CancellationToken cancellationToken) =>
        await SubmitAsync(actions.ToArray(), cancellationToken);

    private async Task<Response<IReadOnlyList<Response>>?> SubmitAsync(TableTransactionAction[] actions, CancellationToken cancellationToken)
    {
        try
        {
            return await _guard.RunAsync(_due, token => _due.SubmitTransactionAsync(actions, token), cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412 && !StorageGuard.IsTableNotFound(ex))
        {
            return null;
        }
    }
}

/// <summary>A lease on a subscription's due row: which run holds it, and until when at the latest.</summary>
public sealed record DueLease(string Owner, DateTimeOffset Until);

/// <summary>
/// Where a subscription's due row is, the ETag a claim must match (the row's own, or its pointer's when
/// <paramref name="ETagOfPointer"/>), and the lease recorded on it.
/// </summary>
public sealed record DueSlot(string RowKey, ETag ETag, bool ETagOfPointer, string? LeaseOwner, DateTimeOffset? LeaseUntil)
{
    /// <summary>
    /// Whether a run holds the subscription: the lease has not lapsed and the state row does not record it as released
    /// (<paramref name="releasedLease"/>, the state's <c>ReleasedLease</c>; <see langword="null"/> when there is no state row).
    /// </summary>
    public bool IsHeld(string? releasedLease, DateTimeOffset now) =>
        LeaseOwner is { } owner && LeaseUntil is { } until && until > now && owner != releasedLease;

    /// <summary>This slot as an opaque <see cref="DueEntry.Key"/> (space-separated: row key, lease owner, lease end ticks, ETag).</summary>
    public string ToKey() => string.Join(' ', RowKey, LeaseOwner ?? "-",
        (LeaseUntil?.UtcTicks ?? 0).ToString(CultureInfo.InvariantCulture), (ETagOfPointer ? "p" : "r") + ETag.ToString());

    /// <summary>Reads a <see cref="DueEntry.Key"/>; <see langword="null"/> when it is not one.</summary>
    public static DueSlot? FromKey(string key)
    {
        string[] parts = key.Split(' ', 4);
        if (parts.Length != 4 || parts[3].Length < 2 || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out long ticks)) return null;
        return new DueSlot(parts[0], new ETag(parts[3][1..]), parts[3][0] == 'p', parts[1] == "-" ? null : parts[1],
            ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero));
    }
}
