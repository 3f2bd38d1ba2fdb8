using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Patchbay.Connectors.GitHub.Tests;

/// <summary>Response bodies shaped like GitHub's REST API v2022-11-28 (field names and nesting as documented).</summary>
internal static class GitHubPayloads
{
    public const string Api = "https://api.github.com";

    public static Dictionary<string, object?> User(string login, long id) => new()
    {
        ["login"] = login,
        ["id"] = id,
        ["node_id"] = "MDQ6VXNlcjE=",
        ["avatar_url"] = $"https://avatars.githubusercontent.com/u/{id}?v=4",
        ["html_url"] = $"https://github.com/{login}",
        ["type"] = "User",
        ["site_admin"] = false,
    };

    public static Dictionary<string, object?> Label(long id, string name, string color) => new()
    {
        ["id"] = id,
        ["node_id"] = "MDU6TGFiZWwyMDgwNDU5NDY=",
        ["url"] = $"{Api}/repos/octocat/Hello-World/labels/{name}",
        ["name"] = name,
        ["description"] = "Something isn't working",
        ["color"] = color,
        ["default"] = true,
    };

    /// <summary>An issue; <paramref name="pullRequest"/> adds the <c>pull_request</c> key GitHub puts on PRs in issue lists.</summary>
    public static Dictionary<string, object?> Issue(long id, int number, string title, string createdAt, bool pullRequest = false, string state = "open", string? body = "I'm having a problem with this.")
    {
        var issue = new Dictionary<string, object?>
        {
            ["id"] = id,
            ["node_id"] = "MDU6SXNzdWUx",
            ["url"] = $"{Api}/repos/octocat/Hello-World/issues/{number}",
            ["repository_url"] = $"{Api}/repos/octocat/Hello-World",
            ["labels_url"] = $"{Api}/repos/octocat/Hello-World/issues/{number}/labels{{/name}}",
            ["comments_url"] = $"{Api}/repos/octocat/Hello-World/issues/{number}/comments",
            ["html_url"] = $"https://github.com/octocat/Hello-World/{(pullRequest ? "pull" : "issues")}/{number}",
            ["number"] = number,
            ["state"] = state,
            ["state_reason"] = state == "closed" ? "completed" : null,
            ["title"] = title,
            ["body"] = body,
            ["user"] = User("octocat", 1),
            ["labels"] = new[] { Label(208045946, "bug", "f29513") },
            ["assignee"] = User("hubot", 2),
            ["assignees"] = new[] { User("hubot", 2) },
            ["milestone"] = null,
            ["locked"] = false,
            ["comments"] = 3,
            ["closed_at"] = state == "closed" ? "2024-05-02T10:00:00Z" : null,
            ["created_at"] = createdAt,
            ["updated_at"] = createdAt,
            ["author_association"] = "COLLABORATOR",
        };
        if (pullRequest)
        {
            issue["pull_request"] = new Dictionary<string, object?>
            {
                ["url"] = $"{Api}/repos/octocat/Hello-World/pulls/{number}",
                ["html_url"] = $"https://github.com/octocat/Hello-World/pull/{number}",
                ["diff_url"] = $"https://github.com/octocat/Hello-World/pull/{number}.diff",
                ["patch_url"] = $"https://github.com/octocat/Hello-World/pull/{number}.patch",
                ["merged_at"] = null,
            };
        }

        return issue;
    }

    public static Dictionary<string, object?> Repository(long id, string owner, string name, bool isPrivate = false) => new()
    {
        ["id"] = id,
        ["node_id"] = "MDEwOlJlcG9zaXRvcnkxMjk2MjY5",
        ["name"] = name,
        ["full_name"] = $"{owner}/{name}",
        ["owner"] = User(owner, 1),
        ["private"] = isPrivate,
        ["html_url"] = $"https://github.com/{owner}/{name}",
        ["description"] = "This your first repo!",
        ["fork"] = false,
        ["url"] = $"{Api}/repos/{owner}/{name}",
        ["language"] = "C#",
        ["forks_count"] = 9,
        ["stargazers_count"] = 80,
        ["watchers_count"] = 80,
        ["open_issues_count"] = 2,
        ["default_branch"] = "main",
        ["archived"] = false,
        ["disabled"] = false,
        ["visibility"] = isPrivate ? "private" : "public",
        ["pushed_at"] = "2024-05-01T10:00:00Z",
        ["created_at"] = "2011-01-26T19:01:12Z",
        ["updated_at"] = "2024-05-01T10:00:00Z",
        ["permissions"] = new { admin = true, push = true, pull = true },
    };

    /// <summary>A JSON answer with GitHub's content type and rate-limit headers.</summary>
    public static IResult Json(HttpContext context, object body, int status = 200, string? link = null)
    {
        context.Response.Headers["X-RateLimit-Limit"] = "5000";
        context.Response.Headers["X-RateLimit-Remaining"] = "4999";
        context.Response.Headers["X-RateLimit-Reset"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString();
        context.Response.Headers["X-RateLimit-Resource"] = "core";
        if (link is not null)
        {
            context.Response.Headers["Link"] = link;
        }

        return Results.Content(JsonSerializer.Serialize(body), "application/json; charset=utf-8", statusCode: status);
    }

    public static IResult NotFound(HttpContext context) => Json(context, new Dictionary<string, object?>
    {
        ["message"] = "Not Found",
        ["documentation_url"] = "https://docs.github.com/rest/issues/issues#get-an-issue",
        ["status"] = "404",
    }, 404);

    /// <summary>A Link header as GitHub writes it for a paginated list.</summary>
    public static string Link(string path, int next, int last) =>
        $"<{Api}{path}&page={next}>; rel=\"next\", <{Api}{path}&page={last}>; rel=\"last\"";
}
