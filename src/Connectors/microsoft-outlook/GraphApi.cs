using System.Globalization;
using System.Text.Json;
using Patchbay.Sdk;

namespace Patchbay.Connectors.MicrosoftOutlook;

/// <summary>
/// Calls Microsoft Graph v1.0 through <see cref="ConnectorContext.FetchAsync"/> (the platform injects the bearer
/// token): the Graph root chosen by the <c>base_url</c> input, <c>@odata.nextLink</c> paging, and Graph's error
/// body turned into an <see cref="ActionError"/> when the caller can fix it.
/// </summary>
/// <remarks>
/// 401 (an expired or revoked token) and 429 stay the SDK's <see cref="HttpError"/> and <see cref="RateLimitError"/>:
/// the platform refreshes the token and retries once on a 401, and answers 429 with the wait on a rate limit.
/// </remarks>
internal static class GraphApi
{
    /// <summary>The global Graph service; the manifest's <c>base_url</c> enum also lists the national clouds.</summary>
    public const string DefaultBaseUrl = "https://graph.microsoft.com/v1.0";

    /// <summary>Pages one call may follow, so a huge mailbox cannot hold a call open for minutes.</summary>
    public const int MaxPages = 20;

    /// <summary>The message fields list_messages and new_messages ask for (<c>$select</c>): Graph's documented names.</summary>
    public const string SummaryFields = "id,conversationId,subject,bodyPreview,from,toRecipients,ccRecipients,receivedDateTime,sentDateTime,isRead,isDraft,hasAttachments,importance,webLink";

    /// <summary>The fields get_message asks for: the summary plus the body and the other recipients.</summary>
    public const string FullFields = SummaryFields + ",bccRecipients,replyTo,body";

    /// <summary>The Graph root from an operation's validated inputs (the manifest's enum and default), without a trailing slash.</summary>
    public static string BaseUrl(JsonElement inputs) =>
        inputs.ValueKind == JsonValueKind.Object && inputs.TryGetProperty("base_url", out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!.TrimEnd('/')
            : DefaultBaseUrl;

    /// <summary><c>/me/mailFolders/{folder}/messages</c> with the folder name or id escaped.</summary>
    public static string MessagesPath(string folder) => $"/me/mailFolders/{Uri.EscapeDataString(folder)}/messages";

    /// <summary>A Graph date-time literal for <c>$filter</c>: UTC, whole seconds, no quotes (Graph's documented form).</summary>
    public static string ODataDate(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Sends one request to a path under <paramref name="baseUrl"/> or to an <c>@odata.nextLink</c> Graph gave.</summary>
    /// <exception cref="RateLimitError">Graph answered 429 with a Retry-After longer than the SDK sleeps.</exception>
    /// <exception cref="HttpError">Any other non-2xx answer, 401 included.</exception>
    public static Task<FetchResponse> SendAsync(
        ConnectorContext context,
        string baseUrl,
        string pathOrUrl,
        HttpMethod? method = null,
        IReadOnlyDictionary<string, object?>? query = null,
        object? json = null,
        IReadOnlyDictionary<string, string>? headers = null,
        CancellationToken cancellationToken = default)
    {
        string url = pathOrUrl.StartsWith('/') ? baseUrl + pathOrUrl : pathOrUrl;
        return context.FetchAsync(url, method, query, json, headers: headers, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// GETs <paramref name="pathOrUrl"/> and follows <c>@odata.nextLink</c> until <paramref name="wanted"/> messages
    /// were read, there is no next link, or <paramref name="maxPages"/> pages were read.
    /// </summary>
    /// <returns>The messages and where to continue: the next link, or the link of the page <paramref name="wanted"/> cut short.</returns>
    public static async Task<GraphPageRun> CollectAsync(
        ConnectorContext context,
        string baseUrl,
        string pathOrUrl,
        IReadOnlyDictionary<string, object?>? query,
        int wanted,
        int maxPages,
        CancellationToken cancellationToken = default)
    {
        var items = new List<JsonElement>();
        string? current = pathOrUrl;
        IReadOnlyDictionary<string, object?>? pageQuery = query;
        for (int read = 0; current is not null && read < maxPages; read++)
        {
            FetchResponse response = await SendAsync(context, baseUrl, current, query: pageQuery, cancellationToken: cancellationToken).ConfigureAwait(false);
            string? next = NextLink(response.Data, baseUrl);
            if (response.Data.ValueKind != JsonValueKind.Object
                || !response.Data.TryGetProperty("value", out JsonElement value) || value.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"Graph answered {pathOrUrl} without a \"value\" array; expected a collection.");
            }

            foreach (JsonElement item in value.EnumerateArray())
            {
                if (items.Count == wanted)
                {
                    // This page held more than the caller asked for: continuing must read it again.
                    return new GraphPageRun(items, PageLink(baseUrl, current, pageQuery));
                }

                items.Add(item);
            }

            current = next;
            pageQuery = null; // nextLink carries the whole query.
            if (items.Count >= wanted)
            {
                break;
            }
        }

        return new GraphPageRun(items, current);
    }

    /// <summary>
    /// <c>@odata.nextLink</c> of a collection answer, when it points under <paramref name="baseUrl"/>;
    /// a link anywhere else is not followed (the token must not go there).
    /// </summary>
    public static string? NextLink(JsonElement data, string baseUrl) =>
        data.ValueKind == JsonValueKind.Object
        && data.TryGetProperty("@odata.nextLink", out JsonElement link) && link.ValueKind == JsonValueKind.String
        && link.GetString() is { } url && IsUnder(url, baseUrl)
            ? url
            : null;

    /// <summary>Whether <paramref name="url"/> is under <paramref name="baseUrl"/> (a Graph root like <c>https://graph.microsoft.com/v1.0</c>).</summary>
    public static bool IsUnder(string url, string baseUrl) => url.StartsWith(baseUrl + "/", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The answers an action reports as <see cref="ActionError"/>: the caller can fix them (an unknown id or folder,
    /// an invalid recipient, a scope not granted). 401 and 429 stay <see cref="HttpError"/> for the platform.
    /// </summary>
    public static bool IsCallerError(HttpError error) => error is not RateLimitError && error.Status is 400 or 403 or 404;

    /// <summary>Turns a 400/403/404 into a message naming <paramref name="subject"/> and Graph's error code and message.</summary>
    public static ActionError ToActionError(HttpError error, string subject)
    {
        ArgumentNullException.ThrowIfNull(error);
        (string? code, string? message) = GraphError(error.ResponseData);
        string graph = code is null ? message ?? error.ResponseMessage : $"{code}: {message ?? error.ResponseMessage}";
        return error.Status switch
        {
            404 => new ActionError($"{subject} was not found in the mailbox (Graph answered 404 {graph}); check the id or folder name."),
            403 => new ActionError($"Graph refused access to {subject} (403 {graph}); the connection may lack a scope (Mail.Read, Mail.Send): reconnect to grant it."),
            _ => new ActionError($"Graph rejected the request for {subject} (400 {graph})."),
        };
    }

    /// <summary><c>{"error": {"code", "message"}}</c>, Graph's error body.</summary>
    public static (string? Code, string? Message) GraphError(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.Object
            ? (GraphJson.String(error, "code"), GraphJson.String(error, "message"))
            : (null, null);

    /// <summary>The URL of a page that was read: the link itself, or the first request's path with its query.</summary>
    private static string PageLink(string baseUrl, string current, IReadOnlyDictionary<string, object?>? query)
    {
        if (query is null || query.Count == 0)
        {
            return current.StartsWith('/') ? baseUrl + current : current;
        }

        string pairs = string.Join('&', query
            .Where(p => p.Value is not null)
            .Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(Convert.ToString(p.Value, CultureInfo.InvariantCulture)!)));
        return (current.StartsWith('/') ? baseUrl + current : current) + "?" + pairs;
    }
}

/// <summary>Messages read across pages, and the link to continue from (null when there is nothing more).</summary>
internal sealed record GraphPageRun(IReadOnlyList<JsonElement> Items, string? NextLink);
