using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Patchbay.Sdk.Tests.Fetch;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports each timer as it is started (Polly's per-attempt timeouts and
/// retry delays), so a test waits for "the client is now waiting N ms" and then moves time on: no wall clock.
/// </summary>
public sealed class TestClock : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _started = Channel.CreateUnbounded<TimeSpan>();

    public TestClock() : base(new DateTimeOffset(2026, 1, 15, 9, 30, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // A CancellationTokenSource's CancelAfter (Polly's per-attempt timeout) sets the due time later, through Change.
        var timer = new ReportingTimer(base.CreateTimer(callback, state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan), this);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Waits until the client starts its next timer and returns that timer's due time.</summary>
    public async Task<TimeSpan> NextTimerAsync() =>
        await _started.Reader.ReadAsync().AsTask().WaitAsync(TestWait.HangGuard);

    /// <summary>Waits for the next timer and moves time on until it fires.</summary>
    public async Task<TimeSpan> FireNextTimerAsync()
    {
        TimeSpan due = await NextTimerAsync();
        Advance(due);
        return due;
    }

    private void Started(TimeSpan dueTime)
    {
        if (dueTime != Timeout.InfiniteTimeSpan) _started.Writer.TryWrite(dueTime);
    }

    private sealed class ReportingTimer(ITimer inner, TestClock clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            bool changed = inner.Change(dueTime, period);
            clock.Started(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

/// <summary>How long a test waits for an event before it fails as hung; never an assertion about speed.</summary>
public static class TestWait
{
    public static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);
}
