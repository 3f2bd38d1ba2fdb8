namespace Patchbay.Platform.OAuth;

/// <summary>
/// The <c>Patchbay__OAuth__*</c> settings: the state-signing key, the redirect URIs callers may ask for, Patchbay's
/// public callback URL, and per provider (<c>Patchbay__OAuth__Providers__{name}__*</c>) the client and any endpoint
/// or scope the built-in registry should not decide.
/// </summary>
public sealed class OAuthSettings
{
    /// <summary>
    /// The HMAC-SHA256 key signing <c>state</c>, base64 of at least 32 bytes (<c>Patchbay__OAuth__StateKey</c>).
    /// Required to start an OAuth flow; all instances of one app share it.
    /// </summary>
    public string? StateKey { get; set; }

    /// <summary>Comma-separated absolute URIs a caller's <c>redirect_uri</c> must equal exactly (<c>Patchbay__OAuth__AllowedRedirectUris</c>).</summary>
    public string? AllowedRedirectUris { get; set; }

    /// <summary>
    /// Patchbay's public <c>/api/oauth/callback</c> URL as registered with each provider (<c>Patchbay__OAuth__CallbackUrl</c>);
    /// empty: derived from the request that starts the flow (scheme, host and path base).
    /// </summary>
    public string? CallbackUrl { get; set; }

    /// <summary>Per provider name (case-insensitive): client credentials and overrides of the built-in values.</summary>
    public Dictionary<string, OAuthProviderSettings> Providers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary><see cref="AllowedRedirectUris"/> as a list.</summary>
    public IReadOnlyList<string> AllowedRedirectUriList =>
        (AllowedRedirectUris ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>One provider's <c>Patchbay__OAuth__Providers__{name}__*</c> settings; every value overrides the built-in one.</summary>
public sealed class OAuthProviderSettings
{
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    public string? AuthorizeUrl { get; set; }
    public string? TokenUrl { get; set; }

    /// <summary>Default scopes, separated by spaces or commas.</summary>
    public string? Scopes { get; set; }

    /// <summary>Microsoft Entra ID only: the tenant in the v2 endpoints (<c>common</c>, <c>organizations</c>, a tenant id or domain).</summary>
    public string? Tenant { get; set; }

    /// <summary><c>true</c>/<c>false</c>: overrides whether the provider takes an S256 PKCE challenge.</summary>
    public bool? Pkce { get; set; }
}
