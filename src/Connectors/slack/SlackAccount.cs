using System.Text.Json;
using Patchbay.Sdk;

namespace Patchbay.Connectors.Slack;

/// <summary>Who the token belongs to: <c>auth.test</c> (the bot user and its workspace).</summary>
[ConnectedAccount]
public sealed class SlackAccount : ConnectedAccountHandler
{
    /// <inheritdoc />
    /// <exception cref="SlackApiException">Slack rejected the token (e.g. <c>invalid_auth</c>).</exception>
    public override async Task<ConnectedAccountInfo> GetAccountInfoAsync(ConnectorContext context, CancellationToken cancellationToken)
    {
        JsonElement data = await SlackApi.GetAsync(context, "auth.test", new Dictionary<string, object?>(), cancellationToken).ConfigureAwait(false);
        return new ConnectedAccountInfo
        {
            Username = SlackApi.String(data, "user"),
            UserId = SlackApi.String(data, "user_id"),
            Organization = SlackApi.String(data, "team"),
        };
    }
}
