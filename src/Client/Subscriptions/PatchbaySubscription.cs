using System.Text.Json;

namespace Patchbay.Client;

/// <summary>Where a subscription delivers: a signed webhook or an Azure Storage queue.</summary>
public sealed record SubscriptionDestination
{
    /// <summary><c>webhook</c> or <c>queue</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The webhook URL.</summary>
    public string? Url { get; init; }

    /// <summary>The queue name.</summary>
    public string? Name { get; init; }

    /// <summary>A webhook destination.</summary>
    public static SubscriptionDestination Webhook(Uri url) => new() { Type = "webhook", Url = url?.ToString() ?? throw new ArgumentNullException(nameof(url)) };

    /// <summary>A queue destination in the app's storage account.</summary>
    public static SubscriptionDestination Queue(string name) => new() { Type = "queue", Name = name };
}

/// <summary>What <c>POST /api/subscriptions</c> takes.</summary>
public sealed record SubscriptionRequest
{
    /// <summary>The connector's id.</summary>
    public required string Connector { get; init; }

    /// <summary>The polling trigger's name.</summary>
    public required string Trigger { get; init; }

    /// <summary>Where records go.</summary>
    public required SubscriptionDestination Destination { get; init; }

    /// <summary>The trigger's inputs: an object, a dictionary, <see cref="ActionInputs"/> or JSON.</summary>
    public object? Inputs { get; init; }

    /// <summary>The connection to poll with (connectors with auth).</summary>
    public string? ConnectionId { get; init; }

    /// <summary>Whose subscription it is; <c>default</c> when <see langword="null"/>.</summary>
    public string? EntityId { get; init; }

    /// <summary>Deliver the records that exist at the first poll too (by default they are the baseline).</summary>
    public bool? DeliverExisting { get; init; }
}

/// <summary>A polling-trigger subscription and its poll state. Never holds its signing secret, except once on creation.</summary>
public record PatchbaySubscription
{
    /// <summary>The subscription id.</summary>
    public required string Id { get; init; }

    /// <summary>The connector's id.</summary>
    public required string Connector { get; init; }

    /// <summary>The trigger's name.</summary>
    public required string Trigger { get; init; }

    /// <summary>The trigger's inputs.</summary>
    public JsonElement Inputs { get; init; }

    /// <summary>The connection it polls with.</summary>
    public string? ConnectionId { get; init; }

    /// <summary>Whose it is.</summary>
    public string? EntityId { get; init; }

    /// <summary>Where records go.</summary>
    public SubscriptionDestination? Destination { get; init; }

    /// <summary><c>ACTIVE</c> or <c>PAUSED</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Why it is paused.</summary>
    public string? PausedReason { get; init; }

    /// <summary>The <c>last_poll_ts</c> of the next poll.</summary>
    public DateTimeOffset? LastPollTs { get; init; }

    /// <summary>When it is polled next.</summary>
    public DateTimeOffset? NextPollAt { get; init; }

    /// <summary>Failed polls in a row.</summary>
    public int ConsecutiveFailures { get; init; }

    /// <summary>The last failure.</summary>
    public string? LastError { get; init; }

    /// <summary>Deliveries waiting in the outbox.</summary>
    public int PendingDeliveries { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A subscription just created, with the secret its webhook deliveries are signed with: shown this once, keep it.</summary>
public sealed record CreatedSubscription : PatchbaySubscription
{
    /// <summary>The HMAC key for <see cref="WebhookSignature.Verify"/>.</summary>
    public required string SigningSecret { get; init; }
}

/// <summary>One delivery (or failed poll) of a subscription.</summary>
public sealed record SubscriptionEvent
{
    /// <summary><c>delivered</c>, <c>pending</c> or <c>failed</c>.</summary>
    public required string Status { get; init; }

    /// <summary>What kind of event it is.</summary>
    public required string Kind { get; init; }

    /// <summary>The delivery's stable event id.</summary>
    public string? EventId { get; init; }

    /// <summary>The record's id.</summary>
    public string? RecordId { get; init; }

    /// <summary>Delivery attempts so far.</summary>
    public int Attempts { get; init; }

    /// <summary>The last error.</summary>
    public string? Error { get; init; }

    /// <summary>When it happened.</summary>
    public DateTimeOffset At { get; init; }
}

/// <summary>What one poll-now did: records found and new, deliveries made and pending, and when it polls next.</summary>
public sealed record SubscriptionPollResult
{
    /// <summary>The subscription id.</summary>
    public required string Id { get; init; }

    /// <summary>Whether the trigger was polled.</summary>
    public bool Polled { get; init; }

    /// <summary>Whether this was the first poll, which records what exists instead of delivering it.</summary>
    public bool Baseline { get; init; }

    /// <summary>Records the trigger answered.</summary>
    public int RecordsFound { get; init; }

    /// <summary>Records not delivered before.</summary>
    public int NewRecords { get; init; }

    /// <summary>Deliveries made.</summary>
    public int Delivered { get; init; }

    /// <summary>Deliveries that failed (kept in the outbox and retried).</summary>
    public int FailedDeliveries { get; init; }

    /// <summary>Deliveries waiting in the outbox.</summary>
    public int PendingDeliveries { get; init; }

    /// <summary>The poll's error, if it failed.</summary>
    public string? Error { get; init; }

    /// <summary>The subscription's status after the poll.</summary>
    public string? Status { get; init; }

    /// <summary>When it polls next.</summary>
    public DateTimeOffset? NextPollAt { get; init; }
}
