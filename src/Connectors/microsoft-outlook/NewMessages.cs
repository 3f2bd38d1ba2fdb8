using System.Text.Json;
using Microsoft.Extensions.Logging;
using Patchbay.Sdk;

namespace Patchbay.Connectors.MicrosoftOutlook;

/// <summary>
/// Emits the messages that arrived in a folder since the previous poll, oldest first, keyed by Graph's message id.
/// The first poll returns the <see cref="BaselineSize"/> newest messages, which the platform keeps as its baseline.
/// </summary>
/// <remarks>
/// Each poll asks for <c>$filter=receivedDateTime ge {last poll − <see cref="Overlap"/>}</c> ordered by
/// receivedDateTime ascending and follows <c>@odata.nextLink</c> for at most <see cref="MaxPages"/> pages of
/// <see cref="PageSize"/>. The window opens early because receivedDateTime has whole seconds and a message can be
/// listed a moment after it arrived; the platform drops ids it already delivered.
/// </remarks>
[PollingTrigger("new_messages")]
public sealed partial class NewMessages : PollingTriggerHandler
{
    /// <summary>How far before the last poll the window starts.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(1);

    /// <summary>Messages the first poll reads (one page).</summary>
    public const int BaselineSize = 50;

    /// <summary>Messages per Graph page on later polls.</summary>
    public const int PageSize = 50;

    /// <summary>Pages one poll may read: at most <see cref="PageSize"/> × 10 = 500 messages.</summary>
    public const int MaxPages = 10;

    /// <inheritdoc />
    public override async Task<IReadOnlyList<PollRecord>> PollAsync(JsonElement inputs, DateTimeOffset? lastPollTs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        string folder = GraphJson.String(inputs, "folder") ?? "inbox";
        string baseUrl = GraphApi.BaseUrl(inputs);
        string path = GraphApi.MessagesPath(folder);

        IReadOnlyList<JsonElement> messages;
        if (lastPollTs is not { } last)
        {
            var query = new Dictionary<string, object?>
            {
                ["$select"] = GraphApi.SummaryFields,
                ["$orderby"] = "receivedDateTime desc",
                ["$top"] = BaselineSize,
            };
            GraphPageRun run = await GraphApi.CollectAsync(context, baseUrl, path, query, BaselineSize, maxPages: 1, cancellationToken).ConfigureAwait(false);
            messages = [.. run.Items.Reverse()];
        }
        else
        {
            var query = new Dictionary<string, object?>
            {
                ["$select"] = GraphApi.SummaryFields,
                ["$filter"] = "receivedDateTime ge " + GraphApi.ODataDate(last - Overlap),
                ["$orderby"] = "receivedDateTime asc",
                ["$top"] = PageSize,
            };
            GraphPageRun run = await GraphApi.CollectAsync(context, baseUrl, path, query, int.MaxValue, MaxPages, cancellationToken).ConfigureAwait(false);
            if (run.NextLink is not null)
            {
                LogTruncated(context.Logger, folder, PageSize * MaxPages);
            }

            messages = run.Items;
        }

        var records = new List<PollRecord>(messages.Count);
        foreach (JsonElement message in messages)
        {
            MessageSummary summary = MessageSummary.Read(message);
            records.Add(new PollRecord(summary.Id, GraphJson.Serialize(summary)));
        }

        return records;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "More than {Limit} messages arrived in folder {Folder} since the last poll; only the oldest {Limit} were read, the rest are skipped")]
    private static partial void LogTruncated(ILogger logger, string folder, int limit);
}
