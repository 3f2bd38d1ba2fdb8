using System.Collections;
using System.Diagnostics;

namespace Patchbay.Platform.Tests;

/// <summary>A thread-safe collection for OpenTelemetry's in-memory exporter: requests and ticks end their spans on many threads.</summary>
public sealed class SpanLog : ICollection<Activity>
{
    private readonly List<Activity> _spans = [];
    private readonly Lock _lock = new();
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count
    {
        get
        {
            lock (_lock) return _spans.Count;
        }
    }

    public bool IsReadOnly => false;

    /// <summary>A copy of the spans exported so far.</summary>
    public IReadOnlyList<Activity> Snapshot()
    {
        lock (_lock) return [.. _spans];
    }

    public void Add(Activity item)
    {
        TaskCompletionSource added;
        lock (_lock)
        {
            _spans.Add(item);
            added = _added;
            _added = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        added.SetResult();
    }

    /// <summary>
    /// The one span matching <paramref name="match"/>, waiting for it to be exported: a server ends a request's span
    /// after the client may already have read the answer. Fails after 30 s (a bound, not a timing).
    /// </summary>
    public async Task<Activity> SingleAsync(Func<Activity, bool> match)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            Task added;
            lock (_lock)
            {
                Activity[] found = [.. _spans.Where(match)];
                if (found.Length == 1) return found[0];
                Assert.True(found.Length == 0, $"{found.Length} spans match, expected one: {string.Join(", ", found.Select(a => a.OperationName))}");
                added = _added.Task;
            }

            try
            {
                await added.WaitAsync(bound.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail("No matching span was exported within 30 s; spans: " + string.Join(", ", Snapshot().Select(a => a.OperationName)));
            }
        }
    }

    public void Clear()
    {
        lock (_lock) _spans.Clear();
    }

    public bool Contains(Activity item)
    {
        lock (_lock) return _spans.Contains(item);
    }

    public void CopyTo(Activity[] array, int arrayIndex)
    {
        lock (_lock) _spans.CopyTo(array, arrayIndex);
    }

    public bool Remove(Activity item)
    {
        lock (_lock) return _spans.Remove(item);
    }

    public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
