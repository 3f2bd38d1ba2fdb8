using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Patchbay.Platform.Storage;

namespace Patchbay.Platform.Subscriptions;

/// <summary>
/// The row a subscription lives in (table <c>subscriptions</c>, PartitionKey = RowKey = id):
/// what it watches, where it delivers, and the poll state the poller advances.
/// </summary>
public sealed class SubscriptionState
{
    /// <summary>
    /// The state row's RowKey: the subscription id (as its PartitionKey). Unique across the table, so a store that indexes
    /// row keys (Azurite's in-memory store finds a row by its RowKey first) finds it at once; with one RowKey shared by
    /// every state row, each read or write of one scanned all of them. Outbox (<c>o_</c>) and history (<c>e_</c>) rows sort before it.
    /// </summary>
    public static string RowKeyOf(string id) => id;

    /// <summary>The range of RowKeys every state row is in (ids are <c>sub_</c> and 32 hex digits): <c>ge 'sub_' and lt 'sub`'</c>.</summary>
    public const string RowKeyFrom = "sub_";

    /// <inheritdoc cref="RowKeyFrom"/>
    public const string RowKeyUntil = "sub`";

    public required string Id { get; init; }
    public required string Connector { get; init; }
    public required string Trigger { get; init; }
    public required string InputsJson { get; init; }
    public string? ConnectionId { get; init; }
    public required string EntityId { get; init; }
    public required SubscriptionDestination Destination { get; init; }
    public bool DeliverExisting { get; init; }
    public required string SecretKeyId { get; init; }
    public required string SecretCipher { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    public string Status { get; set; } = SubscriptionStatus.Active;
    public string? PausedReason { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? LastPollTs { get; set; }
    public DateTimeOffset NextPollAt { get; set; }
    public DateTimeOffset? NextOutboxAt { get; set; }

    /// <summary>min(<see cref="NextPollAt"/>, <see cref="NextOutboxAt"/>) while ACTIVE: when the next tick should take it.</summary>
    public DateTimeOffset? DueAt { get; set; }

    /// <summary>The RowKey of this subscription's row in the due index, when it has one.</summary>
    public string? DueKey { get; set; }
    public int ConsecutiveFailures { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? LastErrorAt { get; set; }

    /// <summary>
    /// The lease (a <see cref="DueLease.Owner"/>) of the last run that finished with this row: that lease, still on the due
    /// row, holds nothing any more. Written by the run's last commit, so a run that finds nothing new needs no write to release it.
    /// </summary>
    public string? ReleasedLease { get; set; }

    /// <summary>Whether the first poll (the baseline) has happened.</summary>
    public bool Baselined { get; set; }
    public SeenIdSet SeenIds { get; set; } = new();
    public int PendingCount { get; set; }
    public int HistoryCount { get; set; }
    public long NextSeq { get; set; }

    public JsonElement Inputs => JsonDocument.Parse(InputsJson).RootElement.Clone();

    /// <summary>Sets <see cref="DueAt"/> and <see cref="DueKey"/> from the two schedules (none while paused).</summary>
    public void RecomputeDue()
    {
        if (Status != SubscriptionStatus.Active)
        {
            DueAt = null;
            DueKey = null;
            return;
        }

        DateTimeOffset due = NextOutboxAt is { } outbox && outbox < NextPollAt ? outbox : NextPollAt;
        DueAt = due;
        DueKey = DueIndexKey(due, Id);
    }

    /// <summary>The due index RowKey: sortable UTC time to the millisecond, then the id, so a range query up to now finds what is due.</summary>
    public static string DueIndexKey(DateTimeOffset due, string id) => DueIndex.RowKeyOf(due, id);

    public Subscription ToSubscription() => new()
    {
        Id = Id,
        Connector = Connector,
        Trigger = Trigger,
        Inputs = Inputs,
        ConnectionId = ConnectionId,
        EntityId = EntityId,
        Destination = Destination,
        DeliverExisting = DeliverExisting,
        Status = Status,
        PausedReason = PausedReason,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
        LastPollTs = LastPollTs,
        NextPollAt = Status == SubscriptionStatus.Active ? DueAt ?? NextPollAt : null,
        ConsecutiveFailures = ConsecutiveFailures,
        LastError = LastError,
        LastErrorAt = LastErrorAt,
        PendingDeliveries = PendingCount,
    };

    public TableEntity ToEntity()
    {
        TableEntity entity = ToEntityWithoutSeenIds();
        byte[]?[] seen = SeenIds.ToProperties();
        for (int i = 0; i < seen.Length; i++) entity[SeenIdSet.PropertyNames[i]] = seen[i];
        return entity;
    }

    private TableEntity ToEntityWithoutSeenIds() => new(Id, RowKeyOf(Id))
    {
        ["Connector"] = Connector,
        ["Trigger"] = Trigger,
        ["Inputs"] = InputsJson,
        ["ConnectionId"] = ConnectionId,
        ["EntityId"] = EntityId,
        ["DestinationType"] = Destination.Type,
        ["DestinationTarget"] = Destination.Target,
        ["DeliverExisting"] = DeliverExisting,
        ["KeyId"] = SecretKeyId,
        ["SigningSecret"] = SecretCipher,
        ["CreatedAt"] = CreatedAt,
        ["FormatVersion"] = 1,
        ["Status"] = Status,
        ["PausedReason"] = StorageText.Bound(PausedReason),
        ["UpdatedAt"] = UpdatedAt,
        ["LastPollTs"] = LastPollTs,
        ["NextPollAt"] = NextPollAt,
        ["NextOutboxAt"] = NextOutboxAt,
        ["DueAt"] = DueAt,
        ["DueKey"] = DueKey,
        ["ConsecutiveFailures"] = ConsecutiveFailures,
        ["LastError"] = StorageText.Bound(LastError),
        ["LastErrorAt"] = LastErrorAt,
        ["ReleasedLease"] = ReleasedLease,
        ["Baselined"] = Baselined,
        ["PendingCount"] = PendingCount,
        ["HistoryCount"] = HistoryCount,
        ["NextSeq"] = NextSeq,
    };

    /// <summary>
    /// The columns <see cref="ToSubscription"/> needs, for lists: everything but the secret and the seen-id set (up to
    /// 80 KB a row). PartitionKey is the id: a projection without it would answer subscriptions without ids.
    /// </summary>
    public static readonly string[] ListColumns =
    [
        "PartitionKey", "RowKey", "Connector", "Trigger", "Inputs", "ConnectionId", "EntityId", "DestinationType", "DestinationTarget", "DeliverExisting",
        "CreatedAt", "Status", "PausedReason", "UpdatedAt", "LastPollTs", "NextPollAt", "NextOutboxAt", "DueAt", "DueKey", "ConsecutiveFailures",
        "LastError", "LastErrorAt", "PendingCount",
    ];

    public static SubscriptionState FromEntity(TableEntity entity)
    {
        string type = entity.GetString("DestinationType");
        string target = entity.GetString("DestinationTarget");
        return new SubscriptionState
        {
            Id = entity.PartitionKey,
            Connector = entity.GetString("Connector"),
            Trigger = entity.GetString("Trigger"),
            InputsJson = entity.GetString("Inputs") ?? "{}",
            ConnectionId = entity.GetString("ConnectionId"),
            EntityId = entity.GetString("EntityId"),
            Destination = type == SubscriptionDestination.Webhook
                ? new SubscriptionDestination { Type = type, Url = target }
                : new SubscriptionDestination { Type = type, Name = target },
            DeliverExisting = entity.GetBoolean("DeliverExisting") ?? false,
            // Absent (empty) in a list projection, which never reads the secret.
            SecretKeyId = entity.GetString("KeyId") ?? string.Empty,
            SecretCipher = entity.GetString("SigningSecret") ?? string.Empty,
            CreatedAt = entity.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
            Status = entity.GetString("Status") ?? SubscriptionStatus.Active,
            PausedReason = entity.GetString("PausedReason"),
            UpdatedAt = entity.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue,
            LastPollTs = entity.GetDateTimeOffset("LastPollTs"),
            NextPollAt = entity.GetDateTimeOffset("NextPollAt") ?? DateTimeOffset.MinValue,
            NextOutboxAt = entity.GetDateTimeOffset("NextOutboxAt"),
            DueAt = entity.GetDateTimeOffset("DueAt"),
            DueKey = entity.GetString("DueKey"),
            ConsecutiveFailures = entity.GetInt32("ConsecutiveFailures") ?? 0,
            LastError = entity.GetString("LastError"),
            LastErrorAt = entity.GetDateTimeOffset("LastErrorAt"),
            ReleasedLease = entity.GetString("ReleasedLease"),
            Baselined = entity.GetBoolean("Baselined") ?? false,
            SeenIds = SeenIdSet.FromProperties(SeenIdSet.PropertyNames.Select(entity.GetBinary)),
            PendingCount = entity.GetInt32("PendingCount") ?? 0,
            HistoryCount = entity.GetInt32("HistoryCount") ?? 0,
            NextSeq = entity.GetInt64("NextSeq") ?? 0,
        };
    }
}
