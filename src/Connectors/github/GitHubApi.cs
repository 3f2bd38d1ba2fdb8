using System.Globalization;
using System.Text;
using System.Text.Json;
using Patchbay.Sdk;

namespace Patchbay.Connectors.GitHub;

/// <summary>
/// Calls the GitHub REST API: the base URL and headers GitHub asks for, Link-header pagination,
/// and GitHub's way of saying "rate limited" (403, not 429) turned into <see cref="RateLimitError"/>.
/// </summary>
internal static class GitHubApi
{
    public const string BaseUrl = "https://api.github.com";

    /// <summary>Pages one call may follow, so a huge repository cannot hold a call open for minutes.</summary>
    public const int MaxPages = 20;

    /// <summary>GitHub's advice when a secondary rate limit gives no reset time: wait at least a minute.</summary>
    private static readonly TimeSpan s_defaultRateLimitWait = TimeSpan.FromMinutes(1);

    private static readonly Dictionary<string, string> s_headers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Accept"] = "application/vnd.github+json",
        ["X-GitHub-Api-Version"] = "2022-11-28",
        ["User-Agent"] = "Patchbay-GitHub-Connector/1.0",
    };

    /// <summary><c>/repos/{owner}/{repo}</c> with both parts escaped (the schema already restricts them).</summary>
    public static string RepoPath(string owner, string repo) =>
        $"/repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repo)}";

    /// <summary>Sends one request to <paramref name="pathOrUrl"/> (a path under <see cref="BaseUrl"/> or a Link URL GitHub gave).</summary>
    /// <exception cref="RateLimitError">GitHub's primary or secondary rate limit (403 or 429).</exception>
    /// <exception cref="HttpError">Any other non-2xx answer.</exception>
    public static async Task<FetchResponse> SendAsync(
        ConnectorContext context,
        string pathOrUrl,
        HttpMethod? method = null,
        IReadOnlyDictionary<string, object?>? query = null,
        object? json = null,
        CancellationToken cancellationToken = default)
    {
        string url = pathOrUrl.StartsWith('/') ? BaseUrl + pathOrUrl : pathOrUrl;
        try
        {
            return await context.FetchAsync(url, method, query, json, headers: s_headers, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpError ex) when (ex is not RateLimitError && ex.Status == 403 && IsRateLimitMessage(ex.ResponseData))
        {
            throw await ToRateLimitErrorAsync(context, ex, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// GETs <paramref name="path"/> and follows <c>Link: rel="next"</c> until <paramref name="wanted"/> items
    /// passed <paramref name="keep"/>, there is no next page, or <see cref="MaxPages"/> pages were read.
    /// </summary>
    public static async Task<PageRun> CollectAsync(
        ConnectorContext context,
        string path,
        IReadOnlyDictionary<string, object?> query,
        int wanted,
        int maxPages,
        Func<JsonElement, bool> keep,
        Func<JsonElement, bool>? stopAt = null,
        CancellationToken cancellationToken = default)
    {
        var items = new List<JsonElement>();
        int page = query.TryGetValue("page", out object? p) && p is int first ? first : 1;
        int? nextPage = null;
        string? next = path;
        IReadOnlyDictionary<string, object?>? pageQuery = query;
        for (int read = 0; next is not null && read < maxPages; read++)
        {
            FetchResponse response = await SendAsync(context, next, query: pageQuery, cancellationToken: cancellationToken).ConfigureAwait(false);
            pageQuery = null; // Link URLs carry the whole query.
            next = NextLink(response.Headers);
            nextPage = next is null ? null : PageOf(next) ?? page + 1;
            if (response.Data.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"GitHub answered {path} with {response.Data.ValueKind}, not a JSON array.");
            }

            foreach (JsonElement item in response.Data.EnumerateArray())
            {
                if (stopAt?.Invoke(item) == true)
                {
                    return new PageRun(items, null);
                }

                if (!keep(item))
                {
                    continue;
                }

                if (items.Count == wanted)
                {
                    // This page had more than the caller asked for: continuing must start on it again.
                    return new PageRun(items, page);
                }

                items.Add(item);
            }

            if (items.Count >= wanted)
            {
                return new PageRun(items, nextPage);
            }

            page = nextPage ?? page + 1;
        }

        return new PageRun(items, next is null ? null : nextPage);
    }

    /// <summary>The URL of <c>rel="next"</c> in a Link header, when it points back at GitHub's API.</summary>
    public static string? NextLink(IReadOnlyDictionary<string, string> headers)
    {
        if (!headers.TryGetValue("Link", out string? link))
        {
            return null;
        }

        // <https://api.github.com/...?page=2>; rel="next", <https://api.github.com/...?page=5>; rel="last"
        foreach (string part in link.Split(','))
        {
            int open = part.IndexOf('<', StringComparison.Ordinal);
            int close = part.IndexOf('>', StringComparison.Ordinal);
            if (open < 0 || close < open)
            {
                continue;
            }

            string parameters = part[(close + 1)..];
            if (parameters.Contains("rel=\"next\"", StringComparison.OrdinalIgnoreCase) || parameters.Contains("rel=next", StringComparison.OrdinalIgnoreCase))
            {
                string url = part[(open + 1)..close].Trim();
                // Only follow GitHub's own API: a Link elsewhere would be refused by allowed_hosts anyway.
                return url.StartsWith(BaseUrl + "/", StringComparison.OrdinalIgnoreCase) ? url : null;
            }
        }

        return null;
    }

    /// <summary>The <c>page</c> query parameter of a Link URL.</summary>
    public static int? PageOf(string url)
    {
        int q = url.IndexOf('?', StringComparison.Ordinal);
        if (q < 0)
        {
            return null;
        }

        foreach (string pair in url[(q + 1)..].Split('&'))
        {
            if (pair.StartsWith("page=", StringComparison.Ordinal)
                && int.TryParse(pair.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int page))
            {
                return page;
            }
        }

        return null;
    }

    /// <summary>GitHub's issues endpoints return pull requests too, marked by a <c>pull_request</c> key.</summary>
    public static bool IsPullRequest(JsonElement issue) =>
        issue.ValueKind == JsonValueKind.Object && issue.TryGetProperty("pull_request", out JsonElement pr) && pr.ValueKind != JsonValueKind.Null;

    /// <summary>
    /// The answers an action reports as <see cref="ActionError"/>: the caller can fix them (wrong name, no
    /// access, invalid fields). 401 (bad or expired token) stays an <see cref="HttpError"/> for the platform.
    /// </summary>
    public static bool IsCallerError(HttpError error) => error is not RateLimitError && error.Status is 403 or 404 or 410 or 422;

    /// <summary>Turns a 403/404/410/422 into a message that says what was not found or what GitHub rejected.</summary>
    public static ActionError ToActionError(HttpError error, string subject)
    {
        string message = GitHubMessage(error.ResponseData) ?? error.ResponseMessage;
        return error.Status switch
        {
            404 => new ActionError($"{subject} not found on GitHub, or the token cannot see it (GitHub answered 404: {message})."),
            410 => new ActionError($"{subject} is gone: GitHub answered 410 ({message}); issues may be disabled for the repository."),
            422 => new ActionError($"GitHub rejected the request for {subject}: {ValidationMessages(error.ResponseData, message)}"),
            _ => new ActionError($"GitHub refused access to {subject} (HTTP {error.Status}: {message}); check the token's scopes and the repository's permissions."),
        };
    }

    private static string ValidationMessages(JsonElement data, string fallback)
    {
        var parts = new List<string>();
        if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("errors", out JsonElement errors) && errors.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement e in errors.EnumerateArray())
            {
                if (e.ValueKind == JsonValueKind.String)
                {
                    parts.Add(e.GetString()!);
                    continue;
                }

                if (e.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                string? text = GitHubJson.String(e, "message");
                if (text is null)
                {
                    // {"resource":"Issue","field":"title","code":"missing_field"}
                    string? field = GitHubJson.String(e, "field");
                    string? code = GitHubJson.String(e, "code");
                    text = field is null ? code : $"{field}: {code}";
                }

                if (text is not null)
                {
                    parts.Add(text);
                }
            }
        }

        var builder = new StringBuilder(fallback);
        if (parts.Count > 0)
        {
            builder.Append(" (").Append(string.Join("; ", parts)).Append(')');
        }

        return builder.ToString();
    }

    private static string? GitHubMessage(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object ? GitHubJson.String(data, "message") : null;

    private static bool IsRateLimitMessage(JsonElement data) =>
        GitHubMessage(data) is { } message && message.Contains("rate limit", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// HttpError carries no headers, so X-RateLimit-Reset is read again from <c>GET /rate_limit</c>,
    /// which GitHub does not count against the limit. A secondary limit (core quota left) waits a minute.
    /// </summary>
    private static async Task<RateLimitError> ToRateLimitErrorAsync(ConnectorContext context, HttpError error, CancellationToken cancellationToken)
    {
        string message = "GitHub rate limit exceeded: " + (GitHubMessage(error.ResponseData) ?? error.ResponseMessage);
        TimeSpan wait = s_defaultRateLimitWait;
        try
        {
            FetchResponse limits = await context.FetchAsync(BaseUrl + "/rate_limit", headers: s_headers, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (limits.Data.ValueKind == JsonValueKind.Object
                && limits.Data.TryGetProperty("resources", out JsonElement resources)
                && resources.ValueKind == JsonValueKind.Object
                && resources.TryGetProperty("core", out JsonElement core)
                && core.ValueKind == JsonValueKind.Object
                && core.TryGetProperty("remaining", out JsonElement remaining) && remaining.TryGetInt64(out long left) && left == 0
                && core.TryGetProperty("reset", out JsonElement reset) && reset.TryGetInt64(out long resetSeconds))
            {
                TimeSpan untilReset = DateTimeOffset.FromUnixTimeSeconds(resetSeconds) - context.TimeProvider.GetUtcNow();
                wait = untilReset > TimeSpan.Zero ? untilReset : TimeSpan.Zero;
            }
        }
        catch (HttpError)
        {
            // Keep the default wait: the limit itself is already known.
        }

        return new RateLimitError(wait, message, error.ResponseData);
    }
}

/// <summary>Items read across pages, and the page to ask for next (null when there is none).</summary>
internal sealed record PageRun(IReadOnlyList<JsonElement> Items, int? NextPage);
