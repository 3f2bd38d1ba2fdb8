namespace Patchbay.Testing.Functions.Diagnostics;

/// <summary>
/// A bounded, thread-safe capture of what the worker said: keeps the newest <c>capacity</c> entries and lets a test
/// wait for an entry that matches (checked against what is already there, then against each new entry).
/// </summary>
internal sealed class CapturedEntries<T>(int capacity)
    where T : class
{
    private readonly Queue<T> _entries = new();
    private readonly List<(Func<T, bool> Match, TaskCompletionSource<T> Found)> _waiters = [];
    private readonly Lock _lock = new();

    public void Add(T entry)
    {
        List<TaskCompletionSource<T>>? found = null;
        lock (_lock)
        {
            if (_entries.Count == capacity)
            {
                _entries.Dequeue();
            }

            _entries.Enqueue(entry);
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(entry))
                {
                    (found ??= []).Add(_waiters[i].Found);
                    _waiters.RemoveAt(i);
                }
            }
        }

        // Completed outside the lock; continuations run asynchronously (see WaitForAsync).
        found?.ForEach(tcs => tcs.TrySetResult(entry));
    }

    public IReadOnlyList<T> Snapshot()
    {
        lock (_lock)
        {
            return [.. _entries];
        }
    }

    public async Task<T> WaitForAsync(Func<T, bool> match, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var found = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiter = (match, found);
        lock (_lock)
        {
            T? existing = _entries.FirstOrDefault(match);
            if (existing is not null)
            {
                return existing;
            }

            _waiters.Add(waiter);
        }

        try
        {
            return await found.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"No {what} matched within {timeout}. Look at the captured entries (FunctionsHostDouble.Logs / Output) for what did arrive.", ex);
        }
        finally
        {
            lock (_lock)
            {
                _waiters.Remove(waiter);
            }
        }
    }
}
