namespace Patchbay.Connectors.Testing;

/// <summary>A clock that always reads the same instant: handlers' "now" (ConnectorTestHost.TimeProvider) without the wall clock.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    /// <summary>2026-01-15 09:30:00 UTC.</summary>
    public static readonly DateTimeOffset Instant = new(2026, 1, 15, 9, 30, 0, TimeSpan.Zero);

    public FixedClock() : this(Instant)
    {
    }

    public override DateTimeOffset GetUtcNow() => now;
}
