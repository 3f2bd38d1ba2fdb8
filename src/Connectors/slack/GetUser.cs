using System.Text.Json;
using Patchbay.Sdk;

namespace Patchbay.Connectors.Slack;

/// <summary>Inputs of <c>get_user</c>.</summary>
public sealed record GetUserInputs(string User);

/// <summary>Looks up a user with <c>users.info</c>.</summary>
[Action("get_user")]
public sealed class GetUser : ActionHandler<GetUserInputs>
{
    /// <inheritdoc />
    public override async Task<ActionOutcome> ExecuteAsync(GetUserInputs inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        try
        {
            JsonElement data = await SlackApi.GetAsync(context, "users.info", new Dictionary<string, object?> { ["user"] = inputs.User }, cancellationToken).ConfigureAwait(false);
            return new ActionResult(SlackJson.Serialize(UserSummary.From(data.GetProperty("user"))));
        }
        catch (SlackApiException ex)
        {
            return new ActionError(ex.Message);
        }
    }
}
