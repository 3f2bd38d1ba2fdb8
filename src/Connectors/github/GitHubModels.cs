using System.Text.Json;
using System.Text.Json.Serialization;
using Patchbay.Sdk;

namespace Patchbay.Connectors.GitHub;

/// <summary>Reading GitHub's JSON, and writing results with every field present (null when GitHub has none).</summary>
internal static class GitHubJson
{
    /// <summary>snake_case like <see cref="ConnectorJson.Options"/>, but nulls are written so every documented field is always there.</summary>
    public static JsonSerializerOptions Options { get; } = new(ConnectorJson.Options)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static JsonElement Serialize<T>(T value) => JsonSerializer.SerializeToElement(value, Options);

    public static string? String(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static long Long(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && v.TryGetInt64(out long n) ? n : 0;

    public static bool Bool(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.True;

    public static DateTimeOffset? Date(JsonElement obj, string name) =>
        String(obj, name) is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out DateTimeOffset date) ? date : null;

    /// <summary>The <c>login</c> of a nested user object (<c>user</c>, <c>owner</c>).</summary>
    public static string? Login(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement user) ? String(user, "login") : null;

    /// <summary>One string property of each object in an array property (label names, assignee logins).</summary>
    public static IReadOnlyList<string> Names(JsonElement obj, string arrayName, string property)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(arrayName, out JsonElement array) || array.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var names = new List<string>(array.GetArrayLength());
        foreach (JsonElement item in array.EnumerateArray())
        {
            // Labels may be plain strings in some payloads; objects carry the name.
            string? name = item.ValueKind == JsonValueKind.String ? item.GetString() : String(item, property);
            if (name is not null)
            {
                names.Add(name);
            }
        }

        return names;
    }
}

/// <summary>An issue as the connector returns it: the fields people and tools use, labels and assignees flattened to names.</summary>
internal sealed record IssueSummary(
    long Id,
    long Number,
    string Title,
    string State,
    string? StateReason,
    string? Body,
    string? User,
    IReadOnlyList<string> Labels,
    IReadOnlyList<string> Assignees,
    long Comments,
    bool IsPullRequest,
    string HtmlUrl,
    string? CreatedAt,
    string? UpdatedAt,
    string? ClosedAt)
{
    public static IssueSummary From(JsonElement issue) => new(
        GitHubJson.Long(issue, "id"),
        GitHubJson.Long(issue, "number"),
        GitHubJson.String(issue, "title") ?? "",
        GitHubJson.String(issue, "state") ?? "open",
        GitHubJson.String(issue, "state_reason"),
        GitHubJson.String(issue, "body"),
        GitHubJson.Login(issue, "user"),
        GitHubJson.Names(issue, "labels", "name"),
        GitHubJson.Names(issue, "assignees", "login"),
        GitHubJson.Long(issue, "comments"),
        GitHubApi.IsPullRequest(issue),
        GitHubJson.String(issue, "html_url") ?? "",
        GitHubJson.String(issue, "created_at"),
        GitHubJson.String(issue, "updated_at"),
        GitHubJson.String(issue, "closed_at"));
}

/// <summary>A repository as <c>list_repositories</c> returns it.</summary>
internal sealed record RepositorySummary(
    long Id,
    string Name,
    string FullName,
    string Owner,
    bool Private,
    string? Visibility,
    string? Description,
    string HtmlUrl,
    string? DefaultBranch,
    string? Language,
    bool Fork,
    bool Archived,
    long StargazersCount,
    long ForksCount,
    long OpenIssuesCount,
    string? CreatedAt,
    string? UpdatedAt,
    string? PushedAt)
{
    public static RepositorySummary From(JsonElement repo) => new(
        GitHubJson.Long(repo, "id"),
        GitHubJson.String(repo, "name") ?? "",
        GitHubJson.String(repo, "full_name") ?? "",
        GitHubJson.Login(repo, "owner") ?? "",
        GitHubJson.Bool(repo, "private"),
        GitHubJson.String(repo, "visibility"),
        GitHubJson.String(repo, "description"),
        GitHubJson.String(repo, "html_url") ?? "",
        GitHubJson.String(repo, "default_branch"),
        GitHubJson.String(repo, "language"),
        GitHubJson.Bool(repo, "fork"),
        GitHubJson.Bool(repo, "archived"),
        GitHubJson.Long(repo, "stargazers_count"),
        GitHubJson.Long(repo, "forks_count"),
        GitHubJson.Long(repo, "open_issues_count"),
        GitHubJson.String(repo, "created_at"),
        GitHubJson.String(repo, "updated_at"),
        GitHubJson.String(repo, "pushed_at"));
}

/// <summary>An issue comment as <c>add_issue_comment</c> returns it.</summary>
internal sealed record CommentSummary(long Id, string Body, string? User, string HtmlUrl, string? CreatedAt, string? UpdatedAt)
{
    public static CommentSummary From(JsonElement comment) => new(
        GitHubJson.Long(comment, "id"),
        GitHubJson.String(comment, "body") ?? "",
        GitHubJson.Login(comment, "user"),
        GitHubJson.String(comment, "html_url") ?? "",
        GitHubJson.String(comment, "created_at"),
        GitHubJson.String(comment, "updated_at"));
}
