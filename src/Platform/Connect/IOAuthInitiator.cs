using Patchbay.Sdk;

namespace Patchbay.Platform.Connect;

/// <summary>
/// What the connect page needs from the OAuth engine to start an authorization for an OAuth connector
/// (<c>auth.type</c> platform or oauth2_pkce). Register one implementation in DI to show "Connect with &lt;Provider&gt;"
/// buttons; with none registered, the page says OAuth connect is not configured and offers no button.
/// </summary>
public interface IOAuthInitiator
{
    /// <summary>
    /// The provider's authorize endpoint for <paramref name="connector"/>, or <see langword="null"/> when no client is
    /// configured for its provider (then the page shows no button). Its origin goes into the page's CSP
    /// <c>form-action</c>, because browsers check a form post's redirects against it.
    /// </summary>
    Uri? GetAuthorizeEndpoint(Connector connector);

    /// <summary>
    /// Creates the INITIATED connection for <paramref name="entityId"/> and answers the URL to send the user to.
    /// <paramref name="redirectUri"/> (already checked against <c>Patchbay__OAuth__AllowedRedirectUris</c>) is where the
    /// callback sends the user afterwards, with <c>connection_id</c> and <c>status</c>.
    /// </summary>
    Task<OAuthInitiation> InitiateAsync(Connector connector, string entityId, string? redirectUri, IReadOnlyList<string> extraScopes, CancellationToken cancellationToken);
}

/// <summary>An authorization started: the INITIATED connection's id and the provider URL to send the user to.</summary>
public sealed record OAuthInitiation(string ConnectionId, Uri RedirectUrl);
