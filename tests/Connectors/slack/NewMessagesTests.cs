using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Patchbay.Connectors.Testing;
using Patchbay.Sdk;
using Patchbay.Sdk.Testing;
using static Patchbay.Connectors.Slack.Tests.SlackPayloads;

namespace Patchbay.Connectors.Slack.Tests;

public class NewMessagesTests
{
    private static readonly object Auth = new { access_token = "xoxb-poll-token" };
    private static readonly object Inputs = new { channel = "C123ABC456" };

    private static ConnectorTestHost Host(LoopbackServer server) =>
        ConnectorTestHost.FromAssembly(typeof(NewMessages).Assembly).Redirect(Origin, server.BaseAddress);

    [Fact]
    public async Task FirstPoll_ReturnsTheLatestPageOldestFirst()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/api/conversations.history", () =>
            Json(History([Message("1512085950.000216", "newest"), Message("1512085861.000543", "older")], nextCursor: "bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz"))));

        IReadOnlyList<PollRecord> records = await Host(server).PollAsync("new_messages", Inputs, lastPollTs: null, auth: Auth);

        Assert.Equal(["1512085861.000543", "1512085950.000216"], records.Select(r => r.Key));
        Assert.Equal("older", records[0].Data.GetProperty("text").GetString());
        Assert.Equal("C123ABC456", records[0].Data.GetProperty("channel").GetString());
        RecordedRequest request = Assert.Single(server.Requests); // the baseline reads one page, however long the history
        Assert.Equal("/api/conversations.history?channel=C123ABC456&limit=100", request.PathAndQuery);
        Assert.Equal("Bearer xoxb-poll-token", request.Headers["Authorization"]);
    }

    [Fact]
    public async Task LaterPoll_AsksForMessagesSinceTheLastPollAndFollowsCursors()
    {
        var lastPoll = new DateTimeOffset(2024, 5, 10, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_560);
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/api/conversations.history", (HttpContext c) =>
            c.Request.Query["cursor"].ToString() == ""
                ? Json(History([Message("1715342405.000300", "third"), Message("1715342403.000200", "second")], nextCursor: "bmV4dF90czoxNzE1MzQyNDAz"))
                : Json(History([Message("1715342401.000100", "first", user: "U0OTHER")]))));

        IReadOnlyList<PollRecord> records = await Host(server).PollAsync("new_messages", Inputs, lastPoll, Auth);

        Assert.Equal(["1715342401.000100", "1715342403.000200", "1715342405.000300"], records.Select(r => r.Key));
        Assert.Equal("U0OTHER", records[0].Data.GetProperty("user").GetString());
        // oldest = last poll minus the one-minute overlap, as a Slack ts with six decimals.
        Assert.Equal(
            ["/api/conversations.history?channel=C123ABC456&oldest=1715342340.123456&limit=200",
             "/api/conversations.history?channel=C123ABC456&oldest=1715342340.123456&limit=200&cursor=bmV4dF90czoxNzE1MzQyNDAz"],
            server.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task LaterPoll_NoNewMessages_ReturnsNothing()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/api/conversations.history", () => Json(History([]))));

        IReadOnlyList<PollRecord> records = await Host(server).PollAsync("new_messages", Inputs, FixedClock.Instant, Auth);

        Assert.Empty(records);
    }

    [Fact]
    public async Task Poll_OkFalse_ThrowsNamingSlacksCode()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/api/conversations.history", () => Json(Failure("not_in_channel"))));

        SlackApiException error = await Assert.ThrowsAsync<SlackApiException>(() => Host(server).PollAsync("new_messages", Inputs, FixedClock.Instant, Auth));

        Assert.Equal("not_in_channel", error.Error);
        Assert.Contains("not_in_channel", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_RateLimited_ThrowsRateLimitErrorForThePoller()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/api/conversations.history", (HttpContext c) =>
        {
            c.Response.Headers.RetryAfter = "60";
            return Json(Failure("ratelimited"), 429);
        }));

        RateLimitError error = await Assert.ThrowsAsync<RateLimitError>(() => Host(server).PollAsync("new_messages", Inputs, FixedClock.Instant, Auth));

        Assert.Equal(TimeSpan.FromSeconds(60), error.RetryAfter);
    }

    [Fact]
    public async Task Poll_ChannelNameInsteadOfId_IsAValidationError()
    {
        await using var server = await LoopbackServer.StartAsync(app => { });

        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() => Host(server).PollAsync("new_messages", new { channel = "#general" }, null, Auth));

        Assert.Contains(error.Errors, e => e.Path == "/channel");
        Assert.Empty(server.Requests);
    }
}
