using Patchbay.Platform.Connect;
using Patchbay.Sdk;

namespace Patchbay.Platform.OAuth;

/// <summary>
/// The connect page's way into OAuth: its "Connect with &lt;Provider&gt;" button starts the same authorization as
/// <c>POST /api/connections</c> for an OAuth connector (<see cref="OAuthConnections.InitiateAsync"/>).
/// </summary>
internal sealed class OAuthConnectInitiator(OAuthProviders providers, OAuthConnections connections) : IOAuthInitiator
{
    public Uri? GetAuthorizeEndpoint(Connector connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        OAuthProvider? provider = providers.Find(connector.Manifest.Auth.Provider);
        return provider is { ClientId.Length: > 0 } && Uri.TryCreate(provider.AuthorizeUrl, UriKind.Absolute, out Uri? url) ? url : null;
    }

    public async Task<OAuthInitiation> InitiateAsync(Connector connector, string entityId, string? redirectUri, IReadOnlyList<string> extraScopes, CancellationToken cancellationToken)
    {
        Connections.Connection started = await connections.InitiateAsync(connector, entityId, redirectUri, extraScopes, cancellationToken);
        return new OAuthInitiation(started.Id, new Uri(started.RedirectUrl
            ?? throw new InvalidOperationException($"The authorization for connection '{started.Id}' has no redirect URL.")));
    }
}
