using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Patchbay.Connectors.Testing;
using Patchbay.Sdk;
using Patchbay.Sdk.Testing;
using static Patchbay.Connectors.GitHub.Tests.GitHubPayloads;

namespace Patchbay.Connectors.GitHub.Tests;

public class NewIssuesTests
{
    private static readonly object Auth = new { access_token = "ghp_polltoken" };
    private static readonly object Inputs = new { owner = "octocat", repo = "Hello-World" };

    private static ConnectorTestHost Host(LoopbackServer server) =>
        new ConnectorTestHost(Connector.FromAssembly(typeof(NewIssues).Assembly)) { TimeProvider = new FixedClock() }.Redirect(Api, server.BaseAddress);

    [Fact]
    public async Task FirstPoll_ReturnsTheOpenIssuesWithoutPullRequests()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/repos/octocat/Hello-World/issues", (HttpContext c) =>
            Json(c, new[]
            {
                Issue(3003, 3, "Third", "2024-05-03T00:00:00Z"),
                Issue(3002, 2, "A PR", "2024-05-02T00:00:00Z", pullRequest: true),
                Issue(3001, 1, "First", "2024-05-01T00:00:00Z"),
            })));

        IReadOnlyList<PollRecord> records = await Host(server).PollAsync("new_issues", Inputs, lastPollTs: null, auth: Auth);

        Assert.Equal(["3001", "3003"], records.Select(r => r.Key));
        Assert.Equal(JsonValueKind.Number, records[0].Id.ValueKind);
        Assert.Equal("First", records[0].Data.GetProperty("title").GetString());
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("/repos/octocat/Hello-World/issues?state=open&sort=created&direction=desc&per_page=100", request.PathAndQuery);
        Assert.Equal("Bearer ghp_polltoken", request.Headers["Authorization"]);
    }

    [Fact]
    public async Task LaterPoll_KeepsIssuesCreatedAfterTheLastPollAndStopsPagingAtOlderOnes()
    {
        var lastPoll = new DateTimeOffset(2024, 5, 10, 12, 0, 0, TimeSpan.Zero);
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/repos/octocat/Hello-World/issues", (HttpContext c) =>
                Json(c, new[]
                {
                    Issue(5005, 55, "Newest", "2024-05-10T12:04:00Z"),
                    Issue(5004, 54, "New PR", "2024-05-10T12:03:00Z", pullRequest: true),
                    Issue(5003, 53, "Closed quickly", "2024-05-10T12:02:00Z", state: "closed"),
                }, link: Link("/repositories/1296269/issues?state=all&sort=created&direction=desc&per_page=100", 2, 3)));
            app.MapGet("/repositories/1296269/issues", (HttpContext c) =>
                c.Request.Query["page"] == "2"
                    ? Json(c, new[]
                    {
                        Issue(5002, 52, "Just before the poll", "2024-05-10T11:59:30Z"),
                        // Created long ago but commented on since: `since` lets it through, the trigger must not.
                        Issue(4000, 40, "Old but updated", "2024-01-01T00:00:00Z"),
                    }, link: Link("/repositories/1296269/issues?state=all&sort=created&direction=desc&per_page=100", 3, 3))
                    : throw new InvalidOperationException("page 3 must not be read"));
        });

        IReadOnlyList<PollRecord> records = await Host(server).PollAsync("new_issues", Inputs, lastPoll, Auth);

        // Oldest first; 52 is inside the one-minute overlap (the platform drops ids it already delivered).
        Assert.Equal(["5002", "5003", "5005"], records.Select(r => r.Key));
        Assert.Equal("closed", records[1].Data.GetProperty("state").GetString());
        Assert.Equal(
            ["/repos/octocat/Hello-World/issues?state=all&sort=created&direction=desc&since=2024-05-10T11%3A59%3A00Z&per_page=100",
             "/repositories/1296269/issues?state=all&sort=created&direction=desc&per_page=100&page=2"],
            server.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task LaterPoll_NothingNew_ReturnsNoRecords()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/repos/octocat/Hello-World/issues", (HttpContext c) =>
            Json(c, new[] { Issue(4000, 40, "Old but updated", "2024-01-01T00:00:00Z") })));

        IReadOnlyList<PollRecord> records = await Host(server).PollAsync("new_issues", Inputs, DateTimeOffset.Parse("2024-05-10T12:00:00Z"), Auth);

        Assert.Empty(records);
    }

    [Fact]
    public async Task Poll_RepositoryNotFound_Throws()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/repos/octocat/gone/issues", (HttpContext c) => NotFound(c)));

        HttpError error = await Assert.ThrowsAsync<HttpError>(() =>
            Host(server).PollAsync("new_issues", new { owner = "octocat", repo = "gone" }, FixedClock.Instant, Auth));

        Assert.Equal(404, error.Status);
    }

    [Fact]
    public async Task Poll_RateLimited_ThrowsRateLimitErrorForThePoller()
    {
        long reset = FixedClock.Instant.AddSeconds(300).ToUnixTimeSeconds();
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/repos/octocat/Hello-World/issues", (HttpContext c) =>
            {
                c.Response.Headers["X-RateLimit-Remaining"] = "0";
                c.Response.Headers["X-RateLimit-Reset"] = reset.ToString();
                return Results.Content("{\"message\":\"API rate limit exceeded for user ID 1.\",\"documentation_url\":\"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api\"}", "application/json", statusCode: 403);
            });
            app.MapGet("/rate_limit", (HttpContext c) => Json(c, new { resources = new { core = new { limit = 5000, used = 5000, remaining = 0, reset } } }));
        });

        RateLimitError error = await Assert.ThrowsAsync<RateLimitError>(() => Host(server).PollAsync("new_issues", Inputs, FixedClock.Instant, Auth));

        Assert.Equal(TimeSpan.FromSeconds(300), error.RetryAfter);
    }

    [Fact]
    public async Task Poll_MissingRepo_IsAValidationError()
    {
        await using var server = await LoopbackServer.StartAsync(app => { });

        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() => Host(server).PollAsync("new_issues", new { owner = "octocat" }, null, Auth));

        Assert.Contains(error.Errors, e => e.Path == "/repo");
        Assert.Empty(server.Requests);
    }
}
