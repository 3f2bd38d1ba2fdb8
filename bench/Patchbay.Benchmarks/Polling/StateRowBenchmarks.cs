using Azure.Data.Tables;
using BenchmarkDotNet.Attributes;
using Patchbay.Platform.Subscriptions;

namespace Patchbay.Benchmarks.Polling;

/// <summary>
/// The CPU a poll spends on a subscription's state row around the table requests: reading it from its entity (the
/// seen-id set rebuilt), touching every id the poll answered, and writing it back (the set serialised), for a set of
/// 2 ids (the polling-tick bench's subscriptions) and of 10,000 (the most a subscription remembers, 80 KB).
/// <c>dotnet run -c Release --project bench/Patchbay.Benchmarks -- --filter '*StateRowBenchmarks*' --job short</c>
/// </summary>
[MemoryDiagnoser]
public class StateRowBenchmarks
{
    private TableEntity _entity = null!;
    private string[] _ids = null!;

    [Params(2, 10_000)]
    public int SeenIds { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ids = [.. Enumerable.Range(1, SeenIds).Select(i => "https://example.com/posts/" + i)];
        var state = new SubscriptionState
        {
            Id = "sub_0123456789abcdef0123456789abcdef", Connector = "rss", Trigger = "new_items", InputsJson = """{"url":"https://example.com/feed.xml"}""",
            EntityId = "user-42", Destination = new SubscriptionDestination { Type = SubscriptionDestination.Webhook, Url = "https://hooks.example.com/patchbay" },
            SecretKeyId = "k1", SecretCipher = new string('c', 120), CreatedAt = DateTimeOffset.UnixEpoch, NextPollAt = DateTimeOffset.UnixEpoch,
        };
        foreach (string id in _ids) state.SeenIds.Add(id);
        _entity = state.ToEntity();
    }

    /// <summary>Read the row, touch every id (the poll answered them all, nothing new), write it back.</summary>
    [Benchmark]
    public TableEntity ReadTouchWrite()
    {
        SubscriptionState state = SubscriptionState.FromEntity(_entity);
        foreach (string id in _ids) state.SeenIds.Touch(id);
        return state.ToEntity();
    }
}
