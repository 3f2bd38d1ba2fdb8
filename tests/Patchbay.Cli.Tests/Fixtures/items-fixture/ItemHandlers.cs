using System.Text.Json;
using Patchbay.Sdk;

namespace Patchbay.Cli.Fixtures.Items;

/// <summary>GET {base_url}/items/{item_id}; a 404 is an error result.</summary>
[Action("get_item")]
public sealed class GetItem : ActionHandler
{
    /// <inheritdoc />
    public override async Task<ActionOutcome> ExecuteAsync(JsonElement inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        string baseUrl = inputs.GetProperty("base_url").GetString()!.TrimEnd('/');
        string id = inputs.GetProperty("item_id").GetString()!;
        try
        {
            FetchResponse response = await context.FetchAsync($"{baseUrl}/items/{Uri.EscapeDataString(id)}", cancellationToken: cancellationToken);
            return new ActionResult(response.Data);
        }
        catch (HttpError ex) when (ex.Status == 404)
        {
            return new ActionError($"Item '{id}' does not exist.");
        }
    }
}

/// <summary>GET {base_url}/items: every item is a record.</summary>
[PollingTrigger("new_items")]
public sealed class NewItems : PollingTriggerHandler
{
    /// <inheritdoc />
    public override async Task<IReadOnlyList<PollRecord>> PollAsync(JsonElement inputs, DateTimeOffset? lastPollTs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        string baseUrl = inputs.GetProperty("base_url").GetString()!.TrimEnd('/');
        var query = new Dictionary<string, object?> { ["since"] = lastPollTs?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) };
        FetchResponse response = await context.FetchAsync($"{baseUrl}/items", query: query, cancellationToken: cancellationToken);
        return [.. response.Data.EnumerateArray().Select(item => new PollRecord(item.GetProperty("id").GetString()!, item))];
    }
}
