namespace Patchbay.Platform.Storage;

/// <summary>One bounded list answer: the items (newest first) and how many matched in all.</summary>
public sealed record ListPage<T>(IReadOnlyList<T> Items, int Total)
{
    /// <summary>Whether more matched than <see cref="Items"/> holds.</summary>
    public bool Truncated => Total > Items.Count;
}

/// <summary>Keeps the newest <c>max</c> of a stream of items (a min-heap on their time), counting all of them.</summary>
public sealed class NewestFirst<T>(int max, Func<T, DateTimeOffset> time)
{
    private readonly PriorityQueue<T, DateTimeOffset> _heap = new();
    private int _total;

    public void Add(T item)
    {
        _total++;
        _heap.Enqueue(item, time(item));
        if (_heap.Count > max) _heap.Dequeue();
    }

    public ListPage<T> ToPage() =>
        new([.. _heap.UnorderedItems.Select(i => i.Element).OrderByDescending(time)], _total);
}

/// <summary>What bounds the list routes (<c>GET /api/connections</c>, <c>GET /api/subscriptions</c>).</summary>
public static class ListAnswers
{
    /// <summary>The most items one list answers: the newest, newest first.</summary>
    public const int Limit = 1000;

    /// <summary>The header that says how many items matched in all (more than the answer holds when it was cut at <see cref="Limit"/>).</summary>
    public const string TotalCountHeader = "X-Total-Count";
}
