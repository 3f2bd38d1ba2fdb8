using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Patchbay.Connectors.Testing;
using Patchbay.Sdk;
using Patchbay.Sdk.Testing;
using static Patchbay.Connectors.GitHub.Tests.GitHubPayloads;

namespace Patchbay.Connectors.GitHub.Tests;

public class GitHubActionTests
{
    private static readonly object Auth = new { access_token = "ghp_testtoken123" };

    private static ConnectorTestHost Host(LoopbackServer server) =>
        new ConnectorTestHost(Connector.FromAssembly(typeof(ListIssues).Assembly)) { TimeProvider = new FixedClock() }.Redirect(Api, server.BaseAddress);

    private static JsonElement Data(IntegrationResult result) => Assert.IsType<ActionResult>(result.Outcome).Data;

    private static string ErrorMessage(IntegrationResult result) => Assert.IsType<ActionError>(result.Outcome).Message;

    [Fact]
    public void Manifest_LoadsWithEveryActionTaggedAndGitHubAsTheOnlyHost()
    {
        Connector connector = Connector.FromAssembly(typeof(ListIssues).Assembly);

        Assert.Equal("github", connector.Id);
        Assert.Equal(["api.github.com"], connector.Manifest.AllowedHosts);
        Assert.True(connector.HasConnectedAccountHandler);
        Assert.Equal(["add_issue_comment", "create_issue", "get_issue", "list_issues", "list_repositories"], connector.Manifest.Actions.Keys.Order());
        Assert.Equal(["new_issues"], connector.Manifest.PollingTriggers.Keys);
    }

    [Fact]
    public async Task ListRepositories_OnePage_SendsGitHubHeadersBearerTokenAndDefaults()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/user/repos", (HttpContext c) =>
            Json(c, new[] { Repository(1296269, "octocat", "Hello-World"), Repository(1296270, "octocat", "secret", isPrivate: true) },
                link: Link("/user/repos?visibility=all&per_page=30", 2, 4))));

        IntegrationResult result = await Host(server).ExecuteActionAsync("list_repositories", new { }, Auth);

        JsonElement data = Data(result);
        Assert.Equal(2, data.GetProperty("count").GetInt32());
        Assert.Equal(2, data.GetProperty("next_page").GetInt32());
        JsonElement first = data.GetProperty("repositories")[0];
        Assert.Equal("octocat/Hello-World", first.GetProperty("full_name").GetString());
        Assert.Equal("octocat", first.GetProperty("owner").GetString());
        Assert.Equal("main", first.GetProperty("default_branch").GetString());
        Assert.Equal(80, first.GetProperty("stargazers_count").GetInt32());
        Assert.True(data.GetProperty("repositories")[1].GetProperty("private").GetBoolean());

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/user/repos?visibility=all&affiliation=owner%2Ccollaborator%2Corganization_member&sort=full_name&per_page=30&page=1", request.PathAndQuery);
        Assert.Equal("Bearer ghp_testtoken123", request.Headers["Authorization"]);
        Assert.Equal("application/vnd.github+json", request.Headers["Accept"]);
        Assert.Equal("2022-11-28", request.Headers["X-GitHub-Api-Version"]);
        Assert.StartsWith("Patchbay-GitHub-Connector", request.Headers["User-Agent"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListRepositories_MaxResults_FollowsLinkHeadersAndSaysWhereToContinue()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/user/repos", (HttpContext c) =>
        {
            int page = int.Parse(c.Request.Query["page"].ToString());
            string path = "/user/repos?per_page=2";
            return page switch
            {
                1 => Json(c, new[] { Repository(1, "octocat", "a"), Repository(2, "octocat", "b") }, link: Link(path, 2, 3)),
                2 => Json(c, new[] { Repository(3, "octocat", "c"), Repository(4, "octocat", "d") }, link: Link(path, 3, 3)),
                _ => Json(c, new[] { Repository(5, "octocat", "e") }),
            };
        }));
        ConnectorTestHost host = Host(server);

        // Three wanted: page 2 is cut short, so continuing starts on page 2 again.
        JsonElement three = Data(await host.ExecuteActionAsync("list_repositories", new { per_page = 2, max_results = 3 }, Auth));
        Assert.Equal(["a", "b", "c"], three.GetProperty("repositories").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        Assert.Equal(2, three.GetProperty("next_page").GetInt32());

        // Everything: the last page has no rel="next".
        JsonElement all = Data(await host.ExecuteActionAsync("list_repositories", new { per_page = 2, max_results = 100, sort = "pushed", direction = "desc" }, Auth));
        Assert.Equal(5, all.GetProperty("count").GetInt32());
        Assert.Equal(JsonValueKind.Null, all.GetProperty("next_page").ValueKind);

        string[] paths = server.Requests.Select(r => r.PathAndQuery).ToArray();
        Assert.Equal(5, paths.Length);
        Assert.Contains("sort=pushed&direction=desc&per_page=2&page=1", paths[2], StringComparison.Ordinal);
        Assert.Equal("/user/repos?per_page=2&page=2", paths[3]); // the Link URL, followed as GitHub wrote it
        Assert.All(server.Requests, r => Assert.Equal("Bearer ghp_testtoken123", r.Headers["Authorization"]));
    }

    [Fact]
    public async Task GetIssue_FlattensUserLabelsAndAssignees()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/repos/octocat/Hello-World/issues/1347", (HttpContext c) =>
            Json(c, Issue(1, 1347, "Found a bug", "2011-04-22T13:33:48Z"))));

        JsonElement issue = Data(await Host(server).ExecuteActionAsync("get_issue", new { owner = "octocat", repo = "Hello-World", issue_number = 1347 }, Auth));

        Assert.Equal(1, issue.GetProperty("id").GetInt64());
        Assert.Equal(1347, issue.GetProperty("number").GetInt32());
        Assert.Equal("Found a bug", issue.GetProperty("title").GetString());
        Assert.Equal("octocat", issue.GetProperty("user").GetString());
        Assert.Equal(["bug"], issue.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(["hubot"], issue.GetProperty("assignees").EnumerateArray().Select(l => l.GetString()));
        Assert.False(issue.GetProperty("is_pull_request").GetBoolean());
        Assert.Equal(JsonValueKind.Null, issue.GetProperty("closed_at").ValueKind);
        Assert.Equal("https://github.com/octocat/Hello-World/issues/1347", issue.GetProperty("html_url").GetString());
    }

    [Fact]
    public async Task GetIssue_404_IsAnActionErrorSayingNotFound()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/repos/octocat/nope/issues/9", (HttpContext c) => NotFound(c)));

        IntegrationResult result = await Host(server).ExecuteActionAsync("get_issue", new { owner = "octocat", repo = "nope", issue_number = 9 }, Auth);

        Assert.Equal(ResultTypes.Error, result.Type);
        string message = ErrorMessage(result);
        Assert.Contains("not found", message, StringComparison.Ordinal);
        Assert.Contains("#9 in octocat/nope", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetIssue_401_BadCredentialsPropagateAsHttpError()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/repos/octocat/Hello-World/issues/1", (HttpContext c) =>
            Json(c, new { message = "Bad credentials", documentation_url = "https://docs.github.com/rest", status = "401" }, 401)));

        HttpError error = await Assert.ThrowsAsync<HttpError>(() =>
            Host(server).ExecuteActionAsync("get_issue", new { owner = "octocat", repo = "Hello-World", issue_number = 1 }, Auth));

        Assert.Equal(401, error.Status);
        Assert.IsNotType<RateLimitError>(error);
        Assert.DoesNotContain("ghp_testtoken123", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListIssues_LeavesOutPullRequestsAndFollowsPages()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapMethods("/{**path}", ["GET"], (HttpContext c) =>
        {
            string path = "/repositories/1296269/issues?state=all&labels=bug%2Cui&per_page=3";
            return c.Request.Query["page"].ToString() switch
            {
                "1" => Json(c, new[]
                {
                    Issue(105, 5, "Newest issue", "2024-05-05T00:00:00Z"),
                    Issue(104, 4, "A pull request", "2024-05-04T00:00:00Z", pullRequest: true),
                    Issue(103, 3, "Closed issue", "2024-05-03T00:00:00Z", state: "closed"),
                }, link: Link(path, 2, 2)),
                _ => Json(c, new[]
                {
                    Issue(102, 2, "Another PR", "2024-05-02T00:00:00Z", pullRequest: true),
                    Issue(101, 1, "Oldest issue", "2024-05-01T00:00:00Z", body: null),
                }),
            };
        }));

        JsonElement data = Data(await Host(server).ExecuteActionAsync("list_issues", new
        {
            owner = "octocat", repo = "Hello-World", state = "all", labels = new[] { "bug", "ui" },
            since = "2024-01-01T00:00:00Z", per_page = 3, max_results = 50,
        }, Auth));

        Assert.Equal([5, 3, 1], data.GetProperty("issues").EnumerateArray().Select(i => i.GetProperty("number").GetInt32()));
        Assert.Equal(3, data.GetProperty("count").GetInt32());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("next_page").ValueKind);
        Assert.Equal("closed", data.GetProperty("issues")[1].GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("issues")[2].GetProperty("body").ValueKind);
        Assert.Equal(
            ["/repos/octocat/Hello-World/issues?state=all&labels=bug%2Cui&since=2024-01-01T00%3A00%3A00Z&per_page=3&page=1",
             "/repositories/1296269/issues?state=all&labels=bug%2Cui&per_page=3&page=2"],
            server.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task ListIssues_WithoutMaxResults_ReadsOnePageAndDefaultsToOpen()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/repos/octocat/Hello-World/issues", (HttpContext c) =>
            Json(c, new[] { Issue(105, 5, "Open one", "2024-05-05T00:00:00Z") }, link: Link("/repositories/1296269/issues?per_page=30", 2, 7))));

        JsonElement data = Data(await Host(server).ExecuteActionAsync("list_issues", new { owner = "octocat", repo = "Hello-World" }, Auth));

        Assert.Equal(1, data.GetProperty("count").GetInt32());
        Assert.Equal(2, data.GetProperty("next_page").GetInt32());
        Assert.Equal("/repos/octocat/Hello-World/issues?state=open&per_page=30&page=1", Assert.Single(server.Requests).PathAndQuery);
    }

    [Fact]
    public async Task CreateIssue_PostsOnlyTheGivenFieldsAndReturnsTheIssue()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapPost("/repos/octocat/Hello-World/issues", (HttpContext c) =>
            Json(c, Issue(2001, 1348, "Crash on start", "2024-05-06T08:00:00Z"), 201)));

        JsonElement issue = Data(await Host(server).ExecuteActionAsync("create_issue", new
        {
            owner = "octocat", repo = "Hello-World", title = "Crash on start", labels = new[] { "bug" },
        }, Auth));

        Assert.Equal(1348, issue.GetProperty("number").GetInt32());
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal("Bearer ghp_testtoken123", request.Headers["Authorization"]);
        using JsonDocument body = JsonDocument.Parse(request.Body);
        Assert.Equal("Crash on start", body.RootElement.GetProperty("title").GetString());
        Assert.Equal("bug", body.RootElement.GetProperty("labels")[0].GetString());
        Assert.False(body.RootElement.TryGetProperty("body", out _));
        Assert.False(body.RootElement.TryGetProperty("assignees", out _));
    }

    [Fact]
    public async Task CreateIssue_422_IsAnActionErrorWithGitHubsValidationMessages()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapPost("/repos/octocat/Hello-World/issues", (HttpContext c) =>
            Json(c, new Dictionary<string, object?>
            {
                ["message"] = "Validation Failed",
                ["errors"] = new object[]
                {
                    new { value = "ghost-user", resource = "Issue", field = "assignees", code = "invalid" },
                    new { resource = "Issue", code = "custom", field = "title", message = "title is too long (maximum is 256 characters)" },
                },
                ["documentation_url"] = "https://docs.github.com/rest/issues/issues#create-an-issue",
                ["status"] = "422",
            }, 422)));

        IntegrationResult result = await Host(server).ExecuteActionAsync("create_issue", new
        {
            owner = "octocat", repo = "Hello-World", title = "t", assignees = new[] { "ghost-user" },
        }, Auth);

        string message = ErrorMessage(result);
        Assert.Contains("Validation Failed", message, StringComparison.Ordinal);
        Assert.Contains("assignees: invalid", message, StringComparison.Ordinal);
        Assert.Contains("title is too long", message, StringComparison.Ordinal);
        Assert.Single(server.Requests); // a POST that reached GitHub is never repeated
    }

    [Fact]
    public async Task AddIssueComment_PostsTheBody()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapPost("/repos/octocat/Hello-World/issues/1347/comments", (HttpContext c) =>
            Json(c, new Dictionary<string, object?>
            {
                ["id"] = 1,
                ["node_id"] = "MDEyOklzc3VlQ29tbWVudDE=",
                ["url"] = $"{Api}/repos/octocat/Hello-World/issues/comments/1",
                ["html_url"] = "https://github.com/octocat/Hello-World/issues/1347#issuecomment-1",
                ["body"] = "Me too",
                ["user"] = User("octocat", 1),
                ["created_at"] = "2011-04-14T16:00:49Z",
                ["updated_at"] = "2011-04-14T16:00:49Z",
                ["author_association"] = "COLLABORATOR",
            }, 201)));

        JsonElement comment = Data(await Host(server).ExecuteActionAsync("add_issue_comment", new { owner = "octocat", repo = "Hello-World", issue_number = 1347, body = "Me too" }, Auth));

        Assert.Equal(1, comment.GetProperty("id").GetInt64());
        Assert.Equal("octocat", comment.GetProperty("user").GetString());
        Assert.EndsWith("#issuecomment-1", comment.GetProperty("html_url").GetString(), StringComparison.Ordinal);
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("{\"body\":\"Me too\"}", request.Body);
    }

    [Fact]
    public async Task PrimaryRateLimit_403WithRemainingZero_IsRateLimitErrorUntilTheReset()
    {
        long reset = FixedClock.Instant.AddMinutes(10).ToUnixTimeSeconds();
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/repos/octocat/Hello-World/issues/1", (HttpContext c) =>
            {
                c.Response.Headers["X-RateLimit-Limit"] = "5000";
                c.Response.Headers["X-RateLimit-Remaining"] = "0";
                c.Response.Headers["X-RateLimit-Reset"] = reset.ToString();
                c.Response.Headers["X-RateLimit-Resource"] = "core";
                return Results.Content(JsonSerializer.Serialize(new
                {
                    message = "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.",
                    documentation_url = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
                }), "application/json", statusCode: 403);
            });
            app.MapGet("/rate_limit", (HttpContext c) => Json(c, new
            {
                resources = new { core = new { limit = 5000, used = 5000, remaining = 0, reset }, search = new { limit = 30, used = 0, remaining = 30, reset } },
                rate = new { limit = 5000, used = 5000, remaining = 0, reset },
            }));
        });

        RateLimitError error = await Assert.ThrowsAsync<RateLimitError>(() =>
            Host(server).ExecuteActionAsync("get_issue", new { owner = "octocat", repo = "Hello-World", issue_number = 1 }, Auth));

        Assert.Equal(TimeSpan.FromMinutes(10), error.RetryAfter);
        Assert.Contains("rate limit", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Forbidden_WithoutRateLimit_IsAnActionErrorAboutPermissions()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapPost("/repos/octocat/Hello-World/issues", (HttpContext c) =>
            Json(c, new { message = "Resource not accessible by personal access token", documentation_url = "https://docs.github.com/rest/issues/issues#create-an-issue", status = "403" }, 403)));

        IntegrationResult result = await Host(server).ExecuteActionAsync("create_issue", new { owner = "octocat", repo = "Hello-World", title = "x" }, Auth);

        Assert.Contains("Resource not accessible", ErrorMessage(result), StringComparison.Ordinal);
        Assert.DoesNotContain(server.Requests, r => r.PathAndQuery == "/rate_limit");
    }

    [Fact]
    public async Task Status429_ShortRetryAfter_IsRetriedAndSucceeds()
    {
        int calls = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/repos/octocat/Hello-World/issues/7", (HttpContext c) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                c.Response.Headers.RetryAfter = "1";
                return Json(c, new { message = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." }, 429);
            }

            return Json(c, Issue(7, 7, "Seven", "2024-05-01T00:00:00Z"));
        }));

        JsonElement issue = Data(await Host(server).ExecuteActionAsync("get_issue", new { owner = "octocat", repo = "Hello-World", issue_number = 7 }, Auth));

        Assert.Equal("Seven", issue.GetProperty("title").GetString());
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Status429_LongRetryAfter_SurfacesAsRateLimitError()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/user/repos", (HttpContext c) =>
        {
            c.Response.Headers.RetryAfter = "120";
            return Json(c, new { message = "You have exceeded a secondary rate limit." }, 429);
        }));

        RateLimitError error = await Assert.ThrowsAsync<RateLimitError>(() => Host(server).ExecuteActionAsync("list_repositories", new { }, Auth));

        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task BadInputs_AreValidationErrorsWithPathsAndSendNothing()
    {
        await using var server = await LoopbackServer.StartAsync(app => { });
        ConnectorTestHost host = Host(server);

        ValidationError getIssue = await Assert.ThrowsAsync<ValidationError>(() =>
            host.ExecuteActionAsync("get_issue", new { owner = "octo/../cat", repo = "Hello-World", issue_number = 0 }, Auth));
        Assert.Equal(ValidationTarget.Inputs, getIssue.Target);
        Assert.Contains(getIssue.Errors, e => e.Path == "/owner");
        Assert.Contains(getIssue.Errors, e => e.Path == "/issue_number");

        ValidationError list = await Assert.ThrowsAsync<ValidationError>(() =>
            host.ExecuteActionAsync("list_issues", new { owner = "octocat", repo = "Hello-World", state = "merged", per_page = 101, since = "yesterday" }, Auth));
        Assert.Contains(list.Errors, e => e.Path == "/state");
        Assert.Contains(list.Errors, e => e.Path == "/per_page");
        Assert.Contains(list.Errors, e => e.Path == "/since");

        ValidationError create = await Assert.ThrowsAsync<ValidationError>(() =>
            host.ExecuteActionAsync("create_issue", new { owner = "octocat", repo = "Hello-World", title = "" }, Auth));
        Assert.Contains(create.Errors, e => e.Path == "/title");

        ValidationError comment = await Assert.ThrowsAsync<ValidationError>(() =>
            host.ExecuteActionAsync("add_issue_comment", new { owner = "octocat", repo = "Hello-World", issue_number = 1 }, Auth));
        Assert.Contains(comment.Errors, e => e.Path == "/body");

        ValidationError noToken = await Assert.ThrowsAsync<ValidationError>(() => host.ExecuteActionAsync("list_repositories", new { }, new { }));
        Assert.Equal(ValidationTarget.Auth, noToken.Target);
        Assert.Contains(noToken.Errors, e => e.Path == "/access_token");

        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ConnectedAccount_ReadsTheUserAndSplitsTheName()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/user", (HttpContext c) =>
        {
            Dictionary<string, object?> user = User("octocat", 583231);
            user["name"] = "Mona Lisa Octocat";
            user["company"] = "@github";
            user["email"] = "octocat@github.com";
            user["public_repos"] = 8;
            return Json(c, user);
        }));

        IntegrationResult result = await Host(server).GetConnectedAccountAsync(new { access_token = "ghp_accounttoken" });

        ConnectedAccountInfo info = Assert.IsType<ConnectedAccountInfo>(result.Account);
        Assert.Equal("octocat", info.Username);
        Assert.Equal("583231", info.UserId);
        Assert.Equal("Mona", info.FirstName);
        Assert.Equal("Lisa Octocat", info.LastName);
        Assert.Equal("octocat@github.com", info.Email);
        Assert.Equal("https://avatars.githubusercontent.com/u/583231?v=4", info.AvatarUrl);
        Assert.Equal("Bearer ghp_accounttoken", Assert.Single(server.Requests).Headers["Authorization"]);
    }
}
