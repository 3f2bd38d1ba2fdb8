namespace Patchbay.Platform.Polling;

/// <summary>The fixed numbers of the poller; the tunable ones are <c>Patchbay__PollingConcurrency</c> and <c>Patchbay__MaxConsecutiveFailures</c>.</summary>
public static class PollingConstants
{
    /// <summary>How long a claim holds a subscription; a crashed tick's claim lapses after this.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far from the clock a tick's scheduled time may be and still count: within it, what is due is decided as of
    /// the scheduled time when the timer fired early, and polls schedule the next one from it (see docs/polling.md,
    /// "Schedule"). A tick further from its scheduled time (past due, or a subscription reached late in a long tick) runs as of the clock.
    /// </summary>
    public static readonly TimeSpan ScheduleTolerance = TimeSpan.FromSeconds(30);

    /// <summary>The longest a failing poll is put off.</summary>
    public static readonly TimeSpan MaxPollBackoff = TimeSpan.FromHours(1);

    /// <summary>The first wait after a failed delivery; it doubles with each attempt.</summary>
    public static readonly TimeSpan DeliveryBaseDelay = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two attempts at one delivery.</summary>
    public static readonly TimeSpan MaxDeliveryBackoff = TimeSpan.FromHours(1);

    /// <summary>The webhook request timeout.</summary>
    public static readonly TimeSpan WebhookTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Record ids remembered per subscription (8-byte hashes, 80 KB in two binary properties of the state row; the least
    /// recently polled dropped first). Also the most records one poll may answer: a larger answer could not be told apart
    /// from new records on the next poll, so the poll fails with an error that says so.
    /// </summary>
    public const int SeenIdCapacity = 10_000;

    /// <summary>Subscriptions one tick takes from the due index; the rest stay due for the next tick.</summary>
    public const int MaxSubscriptionsPerTick = 10_000;

    /// <summary>
    /// Pending deliveries at which a subscription's polls wait: while its outbox holds this many (its receiver is down and
    /// the deliveries back off), it is not polled, and its records stay upstream after <c>last_poll_ts</c> until deliveries
    /// bring the outbox under this. One poll queues at most <see cref="SeenIdCapacity"/> records, so an outbox holds fewer
    /// than this plus <see cref="SeenIdCapacity"/> deliveries.
    /// </summary>
    public const int MaxPendingDeliveries = 10_000;

    /// <summary>Outbox rows read per subscription per tick.</summary>
    public const int MaxOutboxRead = 1000;

    /// <summary>Deliveries per subscription per tick; what is left stays due in the outbox.</summary>
    public const int MaxDeliveriesPerTick = 500;

    /// <summary>Deliveries committed together (each is an outbox change and a history row, within Table Storage's 100-operation batches).</summary>
    public const int DeliveriesPerCommit = 40;

    /// <summary>History rows kept per subscription for <c>GET .../events</c>; pruned when they pass <see cref="HistoryPruneAt"/>.</summary>
    public const int HistoryKept = 100;

    public const int HistoryPruneAt = 150;
}
