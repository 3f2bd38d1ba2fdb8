using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Patchbay.Connectors.Testing;
using Patchbay.Sdk;
using Patchbay.Sdk.Testing;
using static Patchbay.Connectors.GitHub.Tests.GitHubPayloads;

namespace Patchbay.Connectors.GitHub.Tests;

/// <summary>Issue 11 item 1: every integer input in github's manifest, spelled 5.0 or 1e2, reaches its handler as an integer.</summary>
public class Issue11Item1Tests
{
    private static readonly object Auth = new { access_token = "ghp_testtoken123" };
    private static readonly ConnectorManifest Manifest = Connector.FromAssembly(typeof(ListIssues).Assembly).Manifest;

    /// <summary>Valid inputs for each operation that has an integer input; the test sets one integer on top.</summary>
    private static readonly Dictionary<string, object> BaseInputs = new()
    {
        ["list_repositories"] = new { },
        ["list_issues"] = new { owner = "octocat", repo = "Hello-World" },
        ["get_issue"] = new { owner = "octocat", repo = "Hello-World", issue_number = 1 },
        ["add_issue_comment"] = new { owner = "octocat", repo = "Hello-World", issue_number = 1, body = "Me too" },
    };

    public static TheoryData<string, string, string> WholeNumbers => IntegerInputs.Cases(Manifest, IntegerInputs.WholeNumberSpellings);

    public static TheoryData<string, string, string> HugeNumbers => IntegerInputs.Cases(Manifest, IntegerInputs.HugeSpellings);

    [Theory]
    [MemberData(nameof(WholeNumbers))]
    public async Task Item1_IntegerInputSpelledWithFractionOrExponent_RunsTheHandler(string operation, string path, string spelling)
    {
        await using LoopbackServer server = await StartGitHubAsync();
        Assert.True(BaseInputs.TryGetValue(operation, out object? inputs), $"add base inputs for {operation} to this test");

        Outcome outcome = await IntegerInputs.RunAsync(Host(server), operation, IntegerInputs.With(inputs, path, spelling), Auth);

        IntegerInputs.AssertSucceeded(outcome, $"{operation} {path}={spelling}");
        Assert.NotEmpty(server.Requests);
    }

    [Theory]
    [MemberData(nameof(HugeNumbers))]
    public async Task Item1_IntegerInputBeyondWhatTheHandlerTakes_IsRefusedAsInvalidInputs(string operation, string path, string spelling)
    {
        await using LoopbackServer server = await StartGitHubAsync();
        Assert.True(BaseInputs.TryGetValue(operation, out object? inputs), $"add base inputs for {operation} to this test");

        Outcome outcome = await IntegerInputs.RunAsync(Host(server), operation, IntegerInputs.With(inputs, path, spelling), Auth);

        IntegerInputs.AssertRefusedAt(outcome, path, $"{operation} {path}={spelling}");
        Assert.Empty(server.Requests);
    }

    private static ConnectorTestHost Host(LoopbackServer server) =>
        ConnectorTestHost.FromAssembly(typeof(ListIssues).Assembly).Redirect(Api, server.BaseAddress);

    private static Task<LoopbackServer> StartGitHubAsync() => LoopbackServer.StartAsync(app =>
    {
        app.MapGet("/user/repos", (HttpContext c) => Json(c, new[] { Repository(1296269, "octocat", "Hello-World") }));
        app.MapGet("/repos/{owner}/{repo}/issues", (HttpContext c) => Json(c, new[] { Issue(1, 1347, "Found a bug", "2024-05-01T10:00:00Z") }));
        app.MapGet("/repos/{owner}/{repo}/issues/{number:int}", (HttpContext c, int number) => Json(c, Issue(1, number, "Found a bug", "2024-05-01T10:00:00Z")));
        app.MapPost("/repos/{owner}/{repo}/issues/{number:int}/comments", (HttpContext c, int number) => Json(c, new Dictionary<string, object?>
        {
            ["id"] = 1,
            ["html_url"] = $"https://github.com/octocat/Hello-World/issues/{number}#issuecomment-1",
            ["body"] = "Me too",
            ["user"] = User("octocat", 1),
            ["created_at"] = "2011-04-14T16:00:49Z",
            ["updated_at"] = "2011-04-14T16:00:49Z",
        }, 201));
    });
}
