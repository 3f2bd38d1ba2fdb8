using Microsoft.Extensions.Options;
using Patchbay.Platform.Hosting;

namespace Patchbay.Platform.OAuth;

/// <summary>An OAuth 2 provider as Patchbay uses it: endpoints, client, default scopes and how its tokens behave.</summary>
/// <param name="Name">The name a manifest's <c>auth.provider</c> uses.</param>
/// <param name="AuthorizeUrl">Where the user is sent to consent.</param>
/// <param name="TokenUrl">Where codes and refresh tokens are exchanged (form post, client credentials in the body).</param>
/// <param name="ClientId">The registered client; <see langword="null"/> when not configured.</param>
/// <param name="ClientSecret">The client's secret; <see langword="null"/> for public clients.</param>
/// <param name="DefaultScopes">Scopes asked for when the connector names none.</param>
/// <param name="ScopeSeparator">How scopes are joined in the authorize URL (space, or a comma for Slack).</param>
/// <param name="Pkce">Whether the authorize URL carries an S256 code challenge.</param>
/// <param name="TokensExpire">Whether access tokens expire and come with a refresh token.</param>
public sealed record OAuthProvider(
    string Name, string AuthorizeUrl, string TokenUrl, string? ClientId, string? ClientSecret,
    IReadOnlyList<string> DefaultScopes, string ScopeSeparator, bool Pkce, bool TokensExpire)
{
    /// <summary>Whether a client id is configured, so flows can start.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ClientId);
}

/// <summary>
/// The providers Patchbay knows (github, slack, google, microsoft) with their public endpoints, each value overridable
/// by <c>Patchbay__OAuth__Providers__{name}__*</c>; any other name is a provider when its settings give both URLs
/// (GitHub Enterprise under another name, a sovereign cloud, a test server).
/// </summary>
public sealed class OAuthProviders(IOptions<PatchbayOptions> options)
{
    /// <summary>The Entra ID tenant when <c>Patchbay__OAuth__Providers__microsoft__Tenant</c> is empty.</summary>
    public const string DefaultMicrosoftTenant = "common";

    private static readonly Dictionary<string, OAuthProvider> BuiltIn = new(StringComparer.OrdinalIgnoreCase)
    {
        ["github"] = new("github", "https://github.com/login/oauth/authorize", "https://github.com/login/oauth/access_token", null, null, ["read:user"], " ", true, false),
        ["slack"] = new("slack", "https://slack.com/oauth/v2/authorize", "https://slack.com/api/oauth.v2.access", null, null, [], ",", true, false),
        ["google"] = new("google", "https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token", null, null, ["openid", "email", "profile"], " ", true, true),
        ["microsoft"] = new("microsoft", "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize", "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token", null, null,
            ["offline_access", "User.Read"], " ", true, true),
    };

    /// <summary>The names of the built-in providers.</summary>
    public static IReadOnlyCollection<string> BuiltInNames => BuiltIn.Keys;

    private OAuthSettings Settings => options.Value.OAuth;

    /// <summary>The provider <paramref name="name"/> with its settings applied; <see langword="null"/> when it is neither built in nor configured with both URLs.</summary>
    public OAuthProvider? Find(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        Settings.Providers.TryGetValue(name, out OAuthProviderSettings? set);
        if (!BuiltIn.TryGetValue(name, out OAuthProvider? provider))
        {
            if (string.IsNullOrWhiteSpace(set?.AuthorizeUrl) || string.IsNullOrWhiteSpace(set.TokenUrl)) return null;
            provider = new OAuthProvider(name, set.AuthorizeUrl, set.TokenUrl, null, null, [], " ", true, true);
        }

        if (set is not null)
        {
            provider = provider with
            {
                AuthorizeUrl = NonEmpty(set.AuthorizeUrl) ?? provider.AuthorizeUrl,
                TokenUrl = NonEmpty(set.TokenUrl) ?? provider.TokenUrl,
                ClientId = NonEmpty(set.ClientId),
                ClientSecret = NonEmpty(set.ClientSecret),
                DefaultScopes = NonEmpty(set.Scopes) is { } scopes ? SplitScopes(scopes) : provider.DefaultScopes,
                Pkce = set.Pkce ?? provider.Pkce,
            };
        }

        string tenant = Uri.EscapeDataString(NonEmpty(set?.Tenant) ?? DefaultMicrosoftTenant);
        return provider with
        {
            AuthorizeUrl = provider.AuthorizeUrl.Replace("{tenant}", tenant, StringComparison.Ordinal),
            TokenUrl = provider.TokenUrl.Replace("{tenant}", tenant, StringComparison.Ordinal),
        };
    }

    /// <summary>The provider a connector's manifest names, ready to start a flow.</summary>
    /// <exception cref="ApiProblem">409 <c>not-configured</c> when the provider is unknown or has no client id, saying which settings to add.</exception>
    public OAuthProvider GetConfigured(string connectorId, string? name)
    {
        OAuthProvider provider = Find(name) ?? throw new ApiProblem(409, ProblemTypes.NotConfigured, "The OAuth provider is not configured",
            $"Connector '{connectorId}' names OAuth provider '{name}', which Patchbay does not know. Set Patchbay__OAuth__Providers__{name}__AuthorizeUrl, __TokenUrl and __ClientId, or use one of: {string.Join(", ", BuiltIn.Keys)}.");
        if (!provider.IsConfigured)
        {
            throw new ApiProblem(409, ProblemTypes.NotConfigured, "The OAuth provider is not configured",
                $"Connector '{connectorId}' connects through {provider.Name}, but no OAuth client is configured: set Patchbay__OAuth__Providers__{provider.Name}__ClientId and __ClientSecret (the app registered with {provider.Name}), or create the connection with credentials.access_token.");
        }

        return provider;
    }

    /// <summary>Scopes written with spaces or commas.</summary>
    public static IReadOnlyList<string> SplitScopes(string? scopes) =>
        (scopes ?? string.Empty).Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
