namespace Patchbay.Platform.Polling;

/// <summary>Where a test can make the poller fail as if the process died there.</summary>
public enum PollerFaultPoint
{
    /// <summary>After new records are safely in the outbox, before any delivery is attempted.</summary>
    BeforeDelivery,

    /// <summary>After deliveries were sent, before the outbox and the poll state record them.</summary>
    AfterDelivery,
}

/// <summary>
/// A test seam: the poller calls <see cref="OnAsync"/> at each <see cref="PollerFaultPoint"/>, and an exception
/// thrown there ends that subscription's processing with no further writes, like a crash. Does nothing in production.
/// </summary>
public class PollerFaults
{
    public virtual ValueTask OnAsync(PollerFaultPoint point, string subscriptionId, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
