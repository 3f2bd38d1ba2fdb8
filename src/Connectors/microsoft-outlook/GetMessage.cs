using Patchbay.Sdk;

namespace Patchbay.Connectors.MicrosoftOutlook;

/// <summary>Inputs of <c>get_message</c>.</summary>
public sealed record GetMessageInputs(string Id, string BodyType = "html", string BaseUrl = GraphApi.DefaultBaseUrl);

/// <summary>Gets one message with its body: <c>GET /me/messages/{id}</c>.</summary>
[Action("get_message")]
public sealed class GetMessage : ActionHandler<GetMessageInputs>
{
    /// <inheritdoc />
    public override async Task<ActionOutcome> ExecuteAsync(GetMessageInputs inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var query = new Dictionary<string, object?> { ["$select"] = GraphApi.FullFields };
        // Graph converts the body when asked: https://learn.microsoft.com/graph/api/message-get (Prefer header).
        var headers = new Dictionary<string, string> { ["Prefer"] = $"outlook.body-content-type=\"{inputs.BodyType}\"" };
        try
        {
            FetchResponse response = await GraphApi.SendAsync(
                context, inputs.BaseUrl.TrimEnd('/'), "/me/messages/" + Uri.EscapeDataString(inputs.Id), query: query, headers: headers,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return new ActionResult(GraphJson.Serialize(FullMessage.Read(response.Data)));
        }
        catch (HttpError ex) when (GraphApi.IsCallerError(ex))
        {
            return GraphApi.ToActionError(ex, $"Message '{inputs.Id}'");
        }
    }
}
