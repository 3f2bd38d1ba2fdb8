using System.Text.Json;
using Patchbay.Sdk;

namespace Patchbay.Connectors.Slack;

/// <summary>Inputs of <c>list_channels</c>.</summary>
public sealed record ListChannelsInputs(
    string Types = "public_channel",
    bool ExcludeArchived = true,
    int Limit = 100,
    string? Cursor = null,
    int? MaxResults = null);

/// <summary>Lists conversations with <c>conversations.list</c>, following cursors when max_results asks for more.</summary>
[Action("list_channels")]
public sealed class ListChannels : ActionHandler<ListChannelsInputs>
{
    /// <inheritdoc />
    public override async Task<ActionOutcome> ExecuteAsync(ListChannelsInputs inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int wanted = inputs.MaxResults ?? int.MaxValue;
        int maxPages = inputs.MaxResults is null ? 1 : SlackApi.MaxPages;
        var channels = new List<ChannelSummary>();
        string? cursor = inputs.Cursor;
        try
        {
            for (int page = 0; page < maxPages; page++)
            {
                var query = new Dictionary<string, object?>
                {
                    ["types"] = inputs.Types,
                    ["exclude_archived"] = inputs.ExcludeArchived,
                    ["limit"] = inputs.Limit,
                    ["cursor"] = cursor,
                };
                JsonElement data = await SlackApi.GetAsync(context, "conversations.list", query, cancellationToken).ConfigureAwait(false);
                string? next = SlackApi.NextCursor(data);
                JsonElement list = data.TryGetProperty("channels", out JsonElement c) && c.ValueKind == JsonValueKind.Array ? c : default;
                int onPage = list.ValueKind == JsonValueKind.Array ? list.GetArrayLength() : 0;
                int take = Math.Min(onPage, wanted - channels.Count);
                if (take > 0)
                {
                    channels.AddRange(list.EnumerateArray().Take(take).Select(ChannelSummary.From));
                }

                if (take < onPage)
                {
                    // Cut short: a cursor cannot point inside a page, so continuing re-reads this one.
                    return Result(channels, cursor);
                }

                cursor = next;
                if (cursor is null || channels.Count >= wanted)
                {
                    break;
                }
            }
        }
        catch (SlackApiException ex)
        {
            return new ActionError(ex.Message);
        }

        return Result(channels, cursor);
    }

    private static ActionResult Result(List<ChannelSummary> channels, string? nextCursor) =>
        new(SlackJson.Serialize(new { channels, count = channels.Count, next_cursor = nextCursor }));
}
