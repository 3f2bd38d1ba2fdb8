using System.Text.Json;
using Patchbay.Sdk;

namespace Patchbay.Connectors.Rss;

/// <summary>Downloads a feed with <see cref="ConnectorContext.FetchAsync"/> and parses it.</summary>
internal static class FeedReader
{
    private static readonly Dictionary<string, string> s_headers = new()
    {
        ["Accept"] = "application/rss+xml, application/atom+xml, application/xml, text/xml",
    };

    /// <summary>The feed URL as an absolute http(s) URI, or <see langword="null"/>.</summary>
    public static Uri? ParseUrl(string? url) =>
        Uri.TryCreate(url?.Trim(), UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;

    /// <exception cref="InvalidDataException">The answer is not an RSS or Atom feed.</exception>
    /// <exception cref="HttpError">The server answered a non-2xx status (<see cref="RateLimitError"/> for 429).</exception>
    public static async Task<Feed> ReadAsync(ConnectorContext context, Uri url, CancellationToken cancellationToken)
    {
        FetchResponse response = await context.FetchAsync(url.AbsoluteUri, headers: s_headers, cancellationToken: cancellationToken).ConfigureAwait(false);
        string text = response.Data.ValueKind switch
        {
            JsonValueKind.String => response.Data.GetString()!,
            JsonValueKind.Undefined => string.Empty,
            _ => throw new InvalidDataException($"The response from {FeedParser.Describe(url)} is JSON ({Header(response, "Content-Type") ?? "no content type"}), not an RSS or Atom feed."),
        };
        return FeedParser.Parse(text, url);
    }

    private static string? Header(FetchResponse response, string name) => response.Headers.TryGetValue(name, out string? value) ? value : null;
}
