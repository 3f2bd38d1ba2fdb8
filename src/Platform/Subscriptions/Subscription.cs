using System.Text.Json;
using System.Text.Json.Serialization;

namespace Patchbay.Platform.Subscriptions;

/// <summary>A polling-trigger subscription as the API shows it. Never carries the signing secret.</summary>
public record Subscription
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("connector")] public required string Connector { get; init; }
    [JsonPropertyName("trigger")] public required string Trigger { get; init; }
    [JsonPropertyName("inputs")] public required JsonElement Inputs { get; init; }
    [JsonPropertyName("connection_id")] public string? ConnectionId { get; init; }
    [JsonPropertyName("entity_id")] public required string EntityId { get; init; }
    [JsonPropertyName("destination")] public required SubscriptionDestination Destination { get; init; }
    [JsonPropertyName("deliver_existing")] public bool DeliverExisting { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("paused_reason")] public string? PausedReason { get; init; }
    [JsonPropertyName("created_at")] public required DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("updated_at")] public required DateTimeOffset UpdatedAt { get; init; }
    [JsonPropertyName("last_poll_ts")] public DateTimeOffset? LastPollTs { get; init; }
    [JsonPropertyName("next_poll_at")] public DateTimeOffset? NextPollAt { get; init; }
    [JsonPropertyName("consecutive_failures")] public int ConsecutiveFailures { get; init; }
    [JsonPropertyName("last_error")] public string? LastError { get; init; }
    [JsonPropertyName("last_error_at")] public DateTimeOffset? LastErrorAt { get; init; }
    [JsonPropertyName("pending_deliveries")] public int PendingDeliveries { get; init; }
}

/// <summary>The answer to <c>POST /api/subscriptions</c>: the subscription and, this once, its signing secret.</summary>
public sealed record CreatedSubscription : Subscription
{
    /// <summary>Keys the <c>X-Patchbay-Signature</c> HMAC (its UTF-8 bytes). Shown only here; Patchbay keeps it encrypted.</summary>
    [JsonPropertyName("signing_secret")] public required string SigningSecret { get; init; }

    public static CreatedSubscription From(Subscription subscription, string signingSecret) => new()
    {
        Id = subscription.Id,
        Connector = subscription.Connector,
        Trigger = subscription.Trigger,
        Inputs = subscription.Inputs,
        ConnectionId = subscription.ConnectionId,
        EntityId = subscription.EntityId,
        Destination = subscription.Destination,
        DeliverExisting = subscription.DeliverExisting,
        Status = subscription.Status,
        PausedReason = subscription.PausedReason,
        CreatedAt = subscription.CreatedAt,
        UpdatedAt = subscription.UpdatedAt,
        LastPollTs = subscription.LastPollTs,
        NextPollAt = subscription.NextPollAt,
        ConsecutiveFailures = subscription.ConsecutiveFailures,
        LastError = subscription.LastError,
        LastErrorAt = subscription.LastErrorAt,
        PendingDeliveries = subscription.PendingDeliveries,
        SigningSecret = signingSecret,
    };
}

/// <summary>The answer to <c>POST /api/subscriptions/{id}/poll</c>: what the poll did, then the subscription's state.</summary>
public sealed record SubscriptionPollResult
{
    [JsonPropertyName("id")] public required string Id { get; init; }

    /// <summary>Whether the trigger was polled (false when the run paused the subscription first, e.g. its connection is gone).</summary>
    [JsonPropertyName("polled")] public bool Polled { get; init; }

    /// <summary>The first poll without <c>deliver_existing</c>: the records found are remembered, not delivered.</summary>
    [JsonPropertyName("baseline")] public bool Baseline { get; init; }

    [JsonPropertyName("records_found")] public int RecordsFound { get; init; }

    /// <summary>Records not seen before, queued for delivery by this poll.</summary>
    [JsonPropertyName("new_records")] public int NewRecords { get; init; }

    /// <summary>Deliveries made by this poll (new records and earlier pending ones).</summary>
    [JsonPropertyName("delivered")] public int Delivered { get; init; }

    [JsonPropertyName("failed_deliveries")] public int FailedDeliveries { get; init; }

    /// <summary>Records still waiting in the outbox.</summary>
    [JsonPropertyName("pending_deliveries")] public int PendingDeliveries { get; init; }

    /// <summary>What went wrong in this poll (the poll, a delivery, or why it paused); <see langword="null"/> when nothing did.</summary>
    [JsonPropertyName("error")] public string? Error { get; init; }

    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("last_poll_ts")] public DateTimeOffset? LastPollTs { get; init; }

    /// <summary>When the next tick takes it (the next poll, or sooner if a delivery retry is due), as <c>GET</c> shows.</summary>
    [JsonPropertyName("next_poll_at")] public DateTimeOffset? NextPollAt { get; init; }

    public static SubscriptionPollResult From(Subscription subscription, Polling.RunReport report) => new()
    {
        Id = subscription.Id,
        Polled = report.Polled,
        Baseline = report.Baseline,
        RecordsFound = report.RecordsFound,
        NewRecords = report.NewRecords,
        Delivered = report.Delivered,
        FailedDeliveries = report.FailedDeliveries,
        PendingDeliveries = subscription.PendingDeliveries,
        Error = report.Error,
        Status = subscription.Status,
        LastPollTs = subscription.LastPollTs,
        NextPollAt = subscription.NextPollAt,
    };
}

/// <summary>Where deliveries go: a webhook URL or an Azure Storage queue in the app's storage account.</summary>
public sealed record SubscriptionDestination
{
    public const string Webhook = "webhook";
    public const string Queue = "queue";

    [JsonPropertyName("type")] public required string Type { get; init; }
    [JsonPropertyName("url")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Url { get; init; }
    [JsonPropertyName("name")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Name { get; init; }

    /// <summary>The URL or the queue name.</summary>
    [JsonIgnore] public string Target => Type == Webhook ? Url! : Name!;
}

/// <summary>A subscription is polled while ACTIVE; PAUSED ones wait for <c>POST /api/subscriptions/{id}/resume</c>.</summary>
public static class SubscriptionStatus
{
    public const string Active = "ACTIVE";
    public const string Paused = "PAUSED";
}

/// <summary>One line of <c>GET /api/subscriptions/{id}/events</c>: a delivery (pending, delivered, or a failed attempt) or a failed poll.</summary>
public sealed record SubscriptionEvent
{
    /// <summary><c>delivered</c>, <c>pending</c> (in the outbox, waiting for its next attempt) or <c>failed</c> (one failed attempt, or a failed poll).</summary>
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("kind")] public required string Kind { get; init; }
    [JsonPropertyName("event_id")] public string? EventId { get; init; }
    [JsonPropertyName("record_id")] public string? RecordId { get; init; }
    [JsonPropertyName("attempts")] public int Attempts { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
    [JsonPropertyName("created_at")] public required DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("at")] public required DateTimeOffset At { get; init; }
    [JsonPropertyName("next_attempt_at")] public DateTimeOffset? NextAttemptAt { get; init; }
}

/// <summary>The <c>status</c> and <c>kind</c> values of a <see cref="SubscriptionEvent"/>.</summary>
public static class SubscriptionEventStatus
{
    public const string Delivered = "delivered";
    public const string Pending = "pending";
    public const string Failed = "failed";
    public const string DeliveryKind = "delivery";
    public const string PollKind = "poll";
}
