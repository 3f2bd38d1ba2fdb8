using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Patchbay.Sdk;

namespace Patchbay.Connectors.Rss;

/// <summary>
/// Emits feed items published after the previous poll, keyed by guid / Atom id (else link). Undated items
/// are always returned: the platform's delivered-id set keeps them from being delivered twice.
/// </summary>
[PollingTrigger("new_items")]
public sealed partial class NewItems : PollingTriggerHandler
{
    /// <inheritdoc />
    /// <exception cref="InvalidDataException">The URL does not answer with an RSS or Atom feed.</exception>
    public override async Task<IReadOnlyList<PollRecord>> PollAsync(JsonElement inputs, DateTimeOffset? lastPollTs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        string? text = inputs.TryGetProperty("url", out JsonElement u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
        Uri url = FeedReader.ParseUrl(text)
            ?? throw new ValidationError(ValidationTarget.Inputs, "rss.new_items", [new FieldError("/url", "must be an absolute http or https URL")]);

        Feed feed = await FeedReader.ReadAsync(context, url, cancellationToken).ConfigureAwait(false);
        var records = new List<PollRecord>(feed.Items.Count);
        foreach (FeedItem item in feed.Items)
        {
            if (lastPollTs is { } since && item.PublishedAt is { } published && published <= since)
            {
                continue;
            }

            string id = item.Id ?? ContentId(item);
            if (item.Id is null)
            {
                LogNoId(context.Logger, item.Title, id);
            }

            JsonElement data = JsonSerializer.SerializeToElement(new NewItem(item, id, feed.Title), FeedJson.Options);
            records.Add(new PollRecord(id, data));
        }

        return records;
    }

    /// <summary>An item with neither guid/id nor link gets an id from its content, stable across polls.</summary>
    private static string ContentId(FeedItem item)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{item.Title}\n{item.Published}\n{item.Summary}\n{item.Content}"));
        return "sha256:" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed item '{Title}' has no guid, id or link; using content hash {Id}")]
    private static partial void LogNoId(ILogger logger, string? title, string id);

    private sealed record NewItem(string Id, string? Title, string? Link, string? Summary, string? Content, string? Author, string? Published, IReadOnlyList<string> Categories, string? FeedTitle)
    {
        public NewItem(FeedItem item, string id, string? feedTitle)
            : this(id, item.Title, item.Link, item.Summary, item.Content, item.Author, item.Published, item.Categories, feedTitle)
        {
        }
    }
}
