using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Patchbay.Sdk;

namespace Patchbay.Connectors.Slack;

/// <summary>
/// Emits messages posted in a channel since the previous poll, keyed by their <c>ts</c>. The first poll returns
/// the latest page, which the platform keeps as its baseline. Slack's <c>ok: false</c> is thrown as
/// <see cref="SlackApiException"/> naming the error code.
/// </summary>
/// <remarks>
/// <c>oldest</c> starts <see cref="Overlap"/> before the last poll, so a message stamped by Slack's clock just
/// before it is not missed; the platform drops ids it already delivered.
/// </remarks>
[PollingTrigger("new_messages")]
public sealed partial class NewMessages : PollingTriggerHandler
{
    /// <summary>How far before the last poll the window starts.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(1);

    private const int BaselineLimit = 100;
    private const int PageSize = 200;

    /// <inheritdoc />
    public override async Task<IReadOnlyList<PollRecord>> PollAsync(JsonElement inputs, DateTimeOffset? lastPollTs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        string channel = inputs.GetProperty("channel").GetString()!;
        var messages = new List<JsonElement>();
        if (lastPollTs is not { } last)
        {
            JsonElement data = await SlackApi.GetAsync(context, "conversations.history", new Dictionary<string, object?> { ["channel"] = channel, ["limit"] = BaselineLimit }, cancellationToken).ConfigureAwait(false);
            AddMessages(data, messages);
        }
        else
        {
            string oldest = SlackApi.ToSlackTs(last - Overlap);
            string? cursor = null;
            for (int page = 0; ; page++)
            {
                if (page == SlackApi.MaxPages)
                {
                    LogTruncated(context.Logger, channel, SlackApi.MaxPages * PageSize);
                    break;
                }

                var query = new Dictionary<string, object?> { ["channel"] = channel, ["oldest"] = oldest, ["limit"] = PageSize, ["cursor"] = cursor };
                JsonElement data = await SlackApi.GetAsync(context, "conversations.history", query, cancellationToken).ConfigureAwait(false);
                AddMessages(data, messages);
                cursor = SlackApi.NextCursor(data);
                if (!SlackApi.Bool(data, "has_more") || cursor is null)
                {
                    break;
                }
            }
        }

        // Oldest first. A ts is "seconds.micros" with six decimals, so it orders as a number.
        return messages
            .OrderBy(m => decimal.Parse(SlackApi.String(m, "ts")!, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture))
            .Select(m => new PollRecord(SlackApi.String(m, "ts")!, SlackJson.WithChannel(m, channel)))
            .ToList();
    }

    private static void AddMessages(JsonElement data, List<JsonElement> messages)
    {
        if (!data.TryGetProperty("messages", out JsonElement list) || list.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (JsonElement message in list.EnumerateArray())
        {
            if (SlackApi.String(message, "ts") is { } ts && decimal.TryParse(ts, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _))
            {
                messages.Add(message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "More than {Limit} messages in {Channel} since the last poll; only the newest were read")]
    private static partial void LogTruncated(ILogger logger, string channel, int limit);
}
