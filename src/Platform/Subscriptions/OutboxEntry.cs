using Azure.Data.Tables;
using Patchbay.Platform.Storage;

namespace Patchbay.Platform.Subscriptions;

/// <summary>
/// A delivery not yet acknowledged, in the subscription's own partition so it is written in the same transaction that
/// moves the subscription's poll state: a record is either still to be polled or safely here, never neither. Deleted in
/// the transaction that records its delivery. RowKey <c>o_{seq, 19 digits}_{event id}</c>: a range read answers the
/// oldest deliveries first, so the poller's bounded read (<c>PollingConstants.MaxOutboxRead</c>) holds the ones due next.
/// Rows written before the sequence was in the key (<c>o_{event id}</c>) are read after those and keep their key.
/// </summary>
public sealed class OutboxEntry
{
    public const string RowPrefix = "o_";

    // A binary property holds at most 64 KiB; bodies are split over Body0..Body13 (and an entity holds at most 1 MiB).
    private const int ChunkSize = 63 * 1024;
    private const int MaxChunks = 14;

    /// <summary>The largest delivery body the outbox stores.</summary>
    public const int MaxBodyBytes = ChunkSize * MaxChunks;

    public required string EventId { get; init; }
    public required string RecordId { get; init; }
    public required byte[] Body { get; init; }
    public required long Seq { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Every column but the body's: what <c>SubscriptionStore.ReadOutboxHeadersAsync</c> reads.</summary>
    public static readonly IReadOnlyList<string> HeaderColumns = ["RowKey", "EventId", "RecordId", "Seq", "CreatedAt", "Attempts", "NextAttemptAt", "LastError", "UpdatedAt"];

    /// <summary>The row's key: as stored when read, <c>o_{seq}_{event id}</c> for a new entry.</summary>
    public string RowKey
    {
        get => _rowKey ??= $"{RowPrefix}{Seq.ToString("D19", System.Globalization.CultureInfo.InvariantCulture)}_{EventId}";
        init => _rowKey = value;
    }

    private string? _rowKey;

    public TableEntity ToEntity(string subscriptionId)
    {
        var entity = new TableEntity(subscriptionId, RowKey)
        {
            ["EventId"] = EventId,
            ["RecordId"] = StorageText.Bound(RecordId),
            ["Seq"] = Seq,
            ["CreatedAt"] = CreatedAt,
            ["Attempts"] = Attempts,
            ["NextAttemptAt"] = NextAttemptAt,
            ["LastError"] = StorageText.Bound(LastError),
            ["UpdatedAt"] = UpdatedAt,
            ["BodyChunks"] = (Body.Length + ChunkSize - 1) / ChunkSize,
        };
        for (int i = 0, offset = 0; offset < Body.Length; i++, offset += ChunkSize)
        {
            entity["Body" + i] = Body.AsSpan(offset, Math.Min(ChunkSize, Body.Length - offset)).ToArray();
        }

        return entity;
    }

    /// <summary>The fields an attempt changes (merged, so the body is not sent again).</summary>
    public TableEntity ToAttemptEntity(string subscriptionId) => new(subscriptionId, RowKey)
    {
        ["Attempts"] = Attempts,
        ["NextAttemptAt"] = NextAttemptAt,
        ["LastError"] = StorageText.Bound(LastError),
        ["UpdatedAt"] = UpdatedAt,
    };

    public static OutboxEntry FromEntity(TableEntity entity)
    {
        int chunks = entity.GetInt32("BodyChunks") ?? 0;
        using var body = new MemoryStream();
        for (int i = 0; i < chunks; i++) body.Write(entity.GetBinary("Body" + i));
        return new OutboxEntry
        {
            RowKey = entity.RowKey,
            EventId = entity.GetString("EventId"),
            RecordId = entity.GetString("RecordId"),
            Body = body.ToArray(),
            Seq = entity.GetInt64("Seq") ?? 0,
            CreatedAt = entity.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
            Attempts = entity.GetInt32("Attempts") ?? 0,
            NextAttemptAt = entity.GetDateTimeOffset("NextAttemptAt") ?? DateTimeOffset.MinValue,
            LastError = entity.GetString("LastError"),
            UpdatedAt = entity.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue,
        };
    }

    public SubscriptionEvent ToEvent() => new()
    {
        Status = SubscriptionEventStatus.Pending,
        Kind = SubscriptionEventStatus.DeliveryKind,
        EventId = EventId,
        RecordId = RecordId,
        Attempts = Attempts,
        Error = LastError,
        CreatedAt = CreatedAt,
        At = UpdatedAt,
        NextAttemptAt = NextAttemptAt,
    };
}
