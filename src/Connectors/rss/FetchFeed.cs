using System.Text.Json;
using Patchbay.Sdk;

namespace Patchbay.Connectors.Rss;

/// <summary>Inputs of <c>fetch_feed</c>.</summary>
public sealed record FetchFeedInputs(string Url, int Limit = 20);

/// <summary>Downloads a feed and returns its newest items.</summary>
[Action("fetch_feed")]
public sealed class FetchFeed : ActionHandler<FetchFeedInputs>
{
    /// <inheritdoc />
    public override async Task<ActionOutcome> ExecuteAsync(FetchFeedInputs inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(context);
        if (FeedReader.ParseUrl(inputs.Url) is not { } url)
        {
            return new ActionError($"url must be an absolute http or https URL, not '{inputs.Url}'.");
        }

        Feed feed;
        try
        {
            feed = await FeedReader.ReadAsync(context, url, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpError ex) when (ex is not RateLimitError)
        {
            return new ActionError($"The feed at {FeedParser.Describe(url)} answered HTTP {ex.Status} ({ex.ResponseMessage}).");
        }
        catch (InvalidDataException ex)
        {
            return new ActionError(ex.Message);
        }

        Feed limited = feed with { Items = feed.Items.Take(inputs.Limit).ToList() };
        return new ActionResult(JsonSerializer.SerializeToElement(limited, FeedJson.Options));
    }
}
