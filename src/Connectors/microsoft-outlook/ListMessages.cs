using System.Globalization;
using Patchbay.Sdk;

namespace Patchbay.Connectors.MicrosoftOutlook;

/// <summary>Inputs of <c>list_messages</c>.</summary>
public sealed record ListMessagesInputs(
    string Folder = "inbox",
    bool UnreadOnly = false,
    string? ReceivedAfter = null,
    int Top = 25,
    int? MaxResults = null,
    string? NextLink = null,
    string BaseUrl = GraphApi.DefaultBaseUrl);

/// <summary>Lists a folder's messages newest first: <c>GET /me/mailFolders/{folder}/messages</c>.</summary>
[Action("list_messages")]
public sealed class ListMessages : ActionHandler<ListMessagesInputs>
{
    /// <summary>
    /// The lower bound put in <c>$filter</c> when only <c>unread_only</c> is set: Graph refuses ("InefficientFilter")
    /// a <c>$filter</c> that does not start with the <c>$orderby</c> property, so receivedDateTime always leads.
    /// </summary>
    internal const string EarliestReceived = "1900-01-01T00:00:00Z";

    /// <inheritdoc />
    public override async Task<ActionOutcome> ExecuteAsync(ListMessagesInputs inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(context);
        string baseUrl = inputs.BaseUrl.TrimEnd('/');
        string start;
        IReadOnlyDictionary<string, object?>? query;
        if (inputs.NextLink is { } link)
        {
            if (!GraphApi.IsUnder(link, baseUrl))
            {
                return new ActionError($"next_link must be an @odata.nextLink this action returned, under {baseUrl}/; start again without next_link.");
            }

            start = link;
            query = null;
        }
        else
        {
            start = GraphApi.MessagesPath(inputs.Folder);
            query = new Dictionary<string, object?>
            {
                ["$select"] = GraphApi.SummaryFields,
                ["$filter"] = Filter(inputs),
                ["$orderby"] = "receivedDateTime desc",
                ["$top"] = inputs.MaxResults is { } max ? Math.Min(inputs.Top, max) : inputs.Top,
            };
        }

        GraphPageRun run;
        try
        {
            run = await GraphApi.CollectAsync(
                context, baseUrl, start, query,
                wanted: inputs.MaxResults ?? int.MaxValue,
                maxPages: inputs.MaxResults is null ? 1 : GraphApi.MaxPages,
                cancellationToken).ConfigureAwait(false);
        }
        catch (HttpError ex) when (GraphApi.IsCallerError(ex))
        {
            return GraphApi.ToActionError(ex, $"Folder '{inputs.Folder}'");
        }

        var messages = run.Items.Select(MessageSummary.Read).ToList();
        return new ActionResult(GraphJson.Serialize(new { messages, count = messages.Count, next_link = run.NextLink }));
    }

    /// <summary><c>receivedDateTime ge …</c> first (it is the <c>$orderby</c> property), then <c>isRead eq false</c>; null when neither is asked for.</summary>
    internal static string? Filter(ListMessagesInputs inputs)
    {
        if (inputs.ReceivedAfter is null && !inputs.UnreadOnly)
        {
            return null;
        }

        string since = inputs.ReceivedAfter is { } after
            ? GraphApi.ODataDate(DateTimeOffset.Parse(after, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal))
            : EarliestReceived;
        string filter = "receivedDateTime ge " + since;
        return inputs.UnreadOnly ? filter + " and isRead eq false" : filter;
    }
}
