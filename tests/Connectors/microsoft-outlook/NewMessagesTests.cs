using System.Text.Json;
using Patchbay.Connectors.Testing;
using Patchbay.Sdk;

namespace Patchbay.Connectors.MicrosoftOutlook.Tests;

public class NewMessagesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 15, 8, 0, 0, TimeSpan.Zero);

    private static object Auth(FakeGraph graph) => new { access_token = graph.ValidToken };

    /// <summary>Messages received one second apart from <paramref name="start"/>, numbered from <paramref name="first"/>.</summary>
    private static void Arrive(FakeGraph graph, int first, int count, DateTimeOffset start)
    {
        for (int i = 0; i < count; i++)
        {
            graph.Inbox.Add(FakeGraph.Message($"AAMkAD{first + i:D4}=", start.AddSeconds(i), $"Message {first + i}"));
        }
    }

    private static string Filter(RecordedRequest request) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + request.PathAndQuery).Query).TryGetValue("$filter", out var filter) ? filter.ToString() : "";

    [Fact]
    public async Task FirstPoll_ReturnsTheFiftyNewestOldestFirst_KeyedByMessageId()
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync(g => Arrive(g, 1, 60, T0));
        await using LoopbackServer running = server;

        IReadOnlyList<PollRecord> records = await OutlookActionTests.Host(server).PollAsync("new_messages", new { }, lastPollTs: null, Auth(graph));

        Assert.Equal(NewMessages.BaselineSize, records.Count);
        Assert.Equal("AAMkAD0011=", records[0].Key);
        Assert.Equal("AAMkAD0060=", records[^1].Key);
        Assert.Equal("Message 60", records[^1].Data.GetProperty("subject").GetString());
        Assert.Equal(records[^1].Key, records[^1].Data.GetProperty("id").GetString());
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Contains("%24orderby=receivedDateTime%20desc", request.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal("", Filter(request));
    }

    [Fact]
    public async Task LaterPoll_AsksForReceivedSinceTheLastPollLessTheOverlap_AscendingAcrossPages()
    {
        DateTimeOffset lastPoll = T0.AddHours(1);
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync(g =>
        {
            Arrive(g, 1, 5, lastPoll.AddMinutes(-30));   // long delivered
            Arrive(g, 101, 2, lastPoll.AddSeconds(-30)); // inside the overlap: sent again, the platform drops their ids
            Arrive(g, 201, 118, lastPoll.AddSeconds(1));  // new
        });
        await using LoopbackServer running = server;

        IReadOnlyList<PollRecord> records = await OutlookActionTests.Host(server).PollAsync("new_messages", new { folder = "inbox" }, lastPoll, Auth(graph));

        Assert.Equal(120, records.Count);
        Assert.Equal(["AAMkAD0101=", "AAMkAD0102=", "AAMkAD0201="], records.Take(3).Select(r => r.Key));
        Assert.Equal("AAMkAD0318=", records[^1].Key);
        Assert.Equal(3, server.Requests.Count); // pages of 50
        Assert.Equal("receivedDateTime ge 2026-01-15T08:59:00Z", Filter(server.Requests.First()));
        Assert.All(server.Requests, r => Assert.Contains("%24orderby=receivedDateTime%20asc", r.PathAndQuery, StringComparison.Ordinal));
    }

    [Fact]
    public async Task LaterPoll_ReadsAtMostTenPages()
    {
        DateTimeOffset lastPoll = T0;
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync(g => Arrive(g, 1, 600, lastPoll.AddSeconds(1)));
        await using LoopbackServer running = server;

        IReadOnlyList<PollRecord> records = await OutlookActionTests.Host(server).PollAsync("new_messages", new { }, lastPoll, Auth(graph));

        Assert.Equal(NewMessages.PageSize * NewMessages.MaxPages, records.Count);
        Assert.Equal(NewMessages.MaxPages, server.Requests.Count);
        Assert.Equal("AAMkAD0001=", records[0].Key);
    }

    [Fact]
    public async Task Poll_Throttled_LetsTheRateLimitThroughForThePoller()
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync(g => { g.ThrottleNext = 1; g.ThrottleRetryAfter = "300"; });
        await using LoopbackServer running = server;

        RateLimitError error = await Assert.ThrowsAsync<RateLimitError>(() => OutlookActionTests.Host(server).PollAsync("new_messages", new { }, T0, Auth(graph)));

        Assert.Equal(TimeSpan.FromMinutes(5), error.RetryAfter);
        Assert.Equal("ApplicationThrottled", error.ResponseData.GetProperty("error").GetProperty("code").GetString());
    }
}
