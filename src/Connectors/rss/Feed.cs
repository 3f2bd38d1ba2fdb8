using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Patchbay.Connectors.Rss;

/// <summary>A parsed feed, the same shape for RSS and Atom.</summary>
internal sealed record Feed(string Format, string? Title, string? Link, string? Description, IReadOnlyList<FeedItem> Items);

/// <summary>One RSS item or Atom entry.</summary>
internal sealed record FeedItem(
    string? Id,
    string? Title,
    string? Link,
    string? Summary,
    string? Content,
    string? Author,
    [property: JsonIgnore] DateTimeOffset? PublishedAt,
    IReadOnlyList<string> Categories)
{
    /// <summary>ISO 8601 in UTC, fractions only when the feed had them.</summary>
    public string? Published => PublishedAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}

internal static class FeedJson
{
    // Unlike ConnectorJson.Options, nulls are written: every item has the same keys, which is easier
    // for the tools and models that read them.
    public static JsonSerializerOptions Options { get; } = new(Patchbay.Sdk.ConnectorJson.Options)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
