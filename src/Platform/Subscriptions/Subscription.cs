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
