using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Patchbay.Platform.Actions;
using Patchbay.Platform.Connections;
using Patchbay.Platform.Hosting;
using Patchbay.Sdk;

namespace Patchbay.Platform.OAuth;

/// <summary>
/// OAuth 2 authorization code with PKCE for connections, as the API and the hosted connect page use it.
/// <list type="bullet">
/// <item><see cref="InitiateAsync"/>: a new INITIATED connection of an OAuth connector for an entity and its <c>redirect_url</c>
/// (the provider's authorize URL with client_id, Patchbay's callback, the scopes, an S256 challenge and a signed state that expires
/// in 10 minutes). <c>redirectUri</c> must be one of <c>Patchbay__OAuth__AllowedRedirectUris</c>; <c>extraScopes</c> are asked for
/// besides the connector's. Throws <see cref="ApiProblem"/> (400 bad redirect_uri or scopes, 409 provider not configured).</item>
/// <item><see cref="CompleteAsync"/>: the callback: checks the state (signed, unexpired, unused), exchanges the code, stores the tokens
/// encrypted, runs the connected-account check and records ACTIVE or FAILED.</item>
/// <item><see cref="ReconnectAsync"/>: a new authorization for an EXPIRED or FAILED connection, keeping its id.</item>
/// </list>
/// </summary>
public sealed class OAuthConnections(
    ConnectionStore store, OAuthProviders providers, OAuthTokenClient client, OAuthTokens tokens, ActionInvoker invoker,
    IOptions<PatchbayOptions> options, IHttpContextAccessor http, TimeProvider time, ILoggerFactory loggers)
{
    /// <summary>The most extra scopes one request may add.</summary>
    public const int MaxExtraScopes = 20;

    /// <summary>The longest scope, in characters.</summary>
    public const int MaxScopeLength = 200;

    private readonly OAuthStateSigner _signer = new(options.Value.OAuth.StateKey);
    private readonly ILogger _logger = loggers.CreateLogger("Patchbay.OAuth");

    /// <summary>The signer of this app's states (its key comes from <c>Patchbay__OAuth__StateKey</c>).</summary>
    public OAuthStateSigner Signer => _signer;

    /// <summary>Starts an authorization: see the class summary.</summary>
    public async Task<Connection> InitiateAsync(Connector connector, string entityId, string? redirectUri, IReadOnlyList<string>? extraScopes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connector);
        string id = ConnectionStore.NewId();
        (OAuthProvider provider, PendingAuthorization pending, string url) = Prepare(connector, id, redirectUri, extraScopes);
        Connection created = await store.CreateInitiatedAsync(
            new NewConnection(id, connector.Id, connector.Manifest.Auth.Type, entityId, ConnectorAuth.Create(AuthTypes.PlatformOAuth2, default), ConnectionStatus.Initiated, null, null),
            pending, pending.ExpiresAt, cancellationToken);
        _logger.LogInformation("Connection {ConnectionId} for {Connector} initiated through {Provider}", id, connector.Id, provider.Name);
        return created with { RedirectUrl = url };
    }

    /// <summary>Starts a new authorization for an EXPIRED or FAILED OAuth connection, keeping its id.</summary>
    /// <exception cref="ApiProblem">404 no such connection; 409 it is not an OAuth connection, or is ACTIVE or INITIATED with a live link.</exception>
    public async Task<Connection> ReconnectAsync(string connectionId, string? redirectUri, IReadOnlyList<string>? extraScopes, CancellationToken cancellationToken)
    {
        OAuthRow row = await store.GetOAuthAsync(connectionId, cancellationToken) ?? throw ConnectionsApi.NotFound(connectionId);
        Connector connector = invoker.GetConnector(row.Connection.Connector);
        if (!connector.Manifest.Auth.IsOAuth)
        {
            throw new ApiProblem(409, ProblemTypes.Conflict, "The connection does not use OAuth",
                $"Connection '{connectionId}' belongs to connector '{connector.Id}', whose auth is {connector.Manifest.Auth.Type}; create a new connection with new credentials instead.");
        }

        bool stale = row.Connection.Status == ConnectionStatus.Initiated && (row.Pending is null || row.Pending.ExpiresAt <= time.GetUtcNow());
        if (row.Connection.Status is not (ConnectionStatus.Expired or ConnectionStatus.Failed) && !stale)
        {
            throw new ApiProblem(409, ProblemTypes.Conflict, "The connection does not need reconnecting",
                $"Connection '{connectionId}' is {row.Connection.Status}; only EXPIRED or FAILED connections (or INITIATED ones whose link expired) are reconnected.");
        }

        (OAuthProvider provider, PendingAuthorization pending, string url) = Prepare(connector, connectionId, redirectUri, extraScopes);
        OAuthRow updated = await store.TryReplaceOAuthAsync(row, new OAuthChange
        {
            Status = ConnectionStatus.Initiated, StatusReason = null, Pending = pending, SetExpiresAt = true, ExpiresAt = pending.ExpiresAt,
        }, cancellationToken) ?? throw new ApiProblem(409, ProblemTypes.Conflict, "The connection changed meanwhile",
            $"Connection '{connectionId}' was changed while the reconnect started; GET it and reconnect again if it still needs it.");
        _logger.LogInformation("Connection {ConnectionId} for {Connector} reconnecting through {Provider}", connectionId, connector.Id, provider.Name);
        return updated.Connection with { RedirectUrl = url };
    }

    /// <summary>The callback: see the class summary. Never throws for a bad request; the outcome says what to show.</summary>
    public async Task<CallbackOutcome> CompleteAsync(string? state, string? code, string? error, string? errorDescription, CancellationToken cancellationToken)
    {
        StateCheck check = _signer.Verify(state, time.GetUtcNow());
        if (check.Error is not null) return CallbackOutcome.Refused(check.Error);
        OAuthRow? row = await store.GetOAuthAsync(check.ConnectionId!, cancellationToken);
        if (row is null) return CallbackOutcome.Refused($"Connection '{check.ConnectionId}' no longer exists. Start connecting again from the app.");
        if (row.Pending is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(row.Pending.Nonce), Encoding.UTF8.GetBytes(check.Nonce!)))
        {
            return CallbackOutcome.Refused("This sign-in link was already used (or replaced by a newer one). Start connecting again from the app.");
        }

        // Use the state once: whoever clears the pending authorization first completes it.
        PendingAuthorization pending = row.Pending;
        OAuthRow? consumed = await store.TryReplaceOAuthAsync(row, new OAuthChange { ClearPending = true }, cancellationToken);
        if (consumed is null) return CallbackOutcome.Refused("This sign-in link was already used. Start connecting again from the app.");

        string id = row.Connection.Id;
        string next = $"Try again with POST /api/connections/{id}/reconnect";
        OAuthChange change;
        if (!invoker.TryGetConnector(row.Connection.Connector, out Connector connector))
        {
            change = Failed($"Connector '{row.Connection.Connector}' is no longer installed.");
        }
        else if (providers.Find(connector.Manifest.Auth.Provider) is not { IsConfigured: true } provider)
        {
            change = Failed($"The OAuth provider '{connector.Manifest.Auth.Provider}' is no longer configured. Set Patchbay__OAuth__Providers__{connector.Manifest.Auth.Provider}__ClientId, then reconnect.");
        }
        else if (!string.IsNullOrEmpty(error))
        {
            string said = Bound(string.IsNullOrEmpty(errorDescription) ? error : $"{error}: {errorDescription}");
            change = Failed(Sentence.Join($"{provider.Name} did not authorize the connection ({said})", next));
        }
        else if (string.IsNullOrEmpty(code))
        {
            change = Failed(Sentence.Join($"{provider.Name} redirected back without a code or an error", next));
        }
        else
        {
            TokenResult result = await client.ExchangeCodeAsync(provider, code, pending.Verifier, pending.Callback, cancellationToken);
            if (result.Tokens is not { } issued)
            {
                change = Failed(Sentence.Join($"The code could not be exchanged for tokens: {result.Message}", next));
            }
            else
            {
                (ConnectorAuth auth, DateTimeOffset? expiresAt) = tokens.ToAuth(issued, null);
                ConnectionsApi.AccountCheck account = await ConnectionsApi.CheckAccountAsync(id, connector, auth, invoker, _logger, cancellationToken);
                change = new OAuthChange { Status = account.Status, StatusReason = account.Reason, Auth = auth, SetExpiresAt = true, ExpiresAt = expiresAt, Account = account.Account };
            }
        }

        OAuthRow? done = await store.TryReplaceOAuthAsync(consumed, change, cancellationToken);
        if (done is null) return CallbackOutcome.Refused($"Connection '{id}' was changed or deleted while the sign-in completed. Start connecting again from the app.");
        _logger.LogInformation("Connection {ConnectionId} authorization completed: {Status}", id, done.Connection.Status);
        return new CallbackOutcome(done.Connection, pending.RedirectUri, null);
    }

    /// <summary>The <c>scopes</c> member of a request body: <see langword="null"/> when absent.</summary>
    /// <exception cref="ApiProblem">400 when it is not an array of at most <see cref="MaxExtraScopes"/> scope strings.</exception>
    public static IReadOnlyList<string>? ReadScopes(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("scopes", out JsonElement scopes) || scopes.ValueKind == JsonValueKind.Null) return null;
        if (scopes.ValueKind != JsonValueKind.Array || scopes.GetArrayLength() > MaxExtraScopes)
        {
            throw ApiProblem.BadRequest($"scopes is an array of at most {MaxExtraScopes} scope names.", new FieldError("/scopes", $"must be an array of at most {MaxExtraScopes} strings"));
        }

        var list = new List<string>();
        int index = 0;
        foreach (JsonElement scope in scopes.EnumerateArray())
        {
            string? value = scope.ValueKind == JsonValueKind.String ? scope.GetString() : null;
            if (string.IsNullOrEmpty(value) || value.Length > MaxScopeLength || value.Any(c => char.IsWhiteSpace(c) || c == ',' || char.IsControl(c)))
            {
                throw ApiProblem.BadRequest($"scopes[{index}] is not a scope name.", new FieldError($"/scopes/{index}", $"must be 1 to {MaxScopeLength} characters without spaces or commas"));
            }

            list.Add(value);
            index++;
        }

        return list;
    }

    private (OAuthProvider Provider, PendingAuthorization Pending, string Url) Prepare(Connector connector, string id, string? redirectUri, IReadOnlyList<string>? extraScopes)
    {
        OAuthSettings settings = options.Value.OAuth;
        if (_signer.KeyError is { } keyError) throw new ApiProblem(409, ProblemTypes.NotConfigured, "OAuth is not configured", keyError);
        OAuthProvider provider = providers.GetConfigured(connector.Id, connector.Manifest.Auth.Provider);
        if (redirectUri is not null && !settings.AllowedRedirectUriList.Contains(redirectUri, StringComparer.Ordinal))
        {
            throw ApiProblem.BadRequest(
                $"redirect_uri '{RequestBody.Quote(redirectUri)}' is not allowed: it must equal one of Patchbay__OAuth__AllowedRedirectUris exactly ({(settings.AllowedRedirectUriList.Count == 0 ? "none is set" : string.Join(", ", settings.AllowedRedirectUriList))}).",
                new FieldError("/redirect_uri", "is not one of Patchbay__OAuth__AllowedRedirectUris"));
        }

        IReadOnlyList<string> baseScopes = connector.Manifest.Auth.Scopes.Count > 0 ? connector.Manifest.Auth.Scopes : provider.DefaultScopes;
        List<string> scopes = [.. baseScopes.Concat(extraScopes ?? []).Distinct(StringComparer.Ordinal)];
        string verifier = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        string challenge = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        string nonce = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));
        DateTimeOffset expiresAt = time.GetUtcNow() + OAuthStateSigner.Lifetime;
        string callback = CallbackUrl();
        string state = _signer.Create(id, nonce, expiresAt);
        var query = new List<KeyValuePair<string, string?>>
        {
            new("response_type", "code"),
            new("client_id", provider.ClientId),
            new("redirect_uri", callback),
            new("state", state),
        };
        if (scopes.Count > 0) query.Add(new("scope", string.Join(provider.ScopeSeparator, scopes)));
        if (provider.Pkce)
        {
            query.Add(new("code_challenge", challenge));
            query.Add(new("code_challenge_method", "S256"));
        }

        // Google issues a refresh token only for offline access with consent.
        if (string.Equals(provider.Name, "google", StringComparison.OrdinalIgnoreCase))
        {
            query.Add(new("access_type", "offline"));
            query.Add(new("prompt", "consent"));
        }

        string url = QueryHelpers.AddQueryString(provider.AuthorizeUrl, query);
        var pending = new PendingAuthorization { Nonce = nonce, Verifier = verifier, Callback = callback, RedirectUri = redirectUri, Scopes = scopes, ExpiresAt = expiresAt };
        return (provider, pending, url);
    }

    private string CallbackUrl()
    {
        if (options.Value.OAuth.CallbackUrl is { Length: > 0 } configured) return configured.Trim();
        HttpRequest request = http.HttpContext?.Request ?? throw new ApiProblem(409, ProblemTypes.NotConfigured, "OAuth is not configured",
            "Patchbay__OAuth__CallbackUrl is empty and there is no request to derive it from; set it to Patchbay's public /api/oauth/callback URL.");
        return $"{request.Scheme}://{request.Host}{request.PathBase}/{PatchbayRoutes.Prefix}/{PatchbayRoutes.OAuthCallback}";
    }

    private static OAuthChange Failed(string reason) => new() { Status = ConnectionStatus.Failed, StatusReason = reason };

    private static string Bound(string text) => text.Length <= 300 ? text : text[..300] + "…";
}

/// <summary>What the callback did: the connection as stored and where to send the user, or why the request was refused (nothing changed).</summary>
public sealed record CallbackOutcome(Connection? Connection, string? RedirectUri, string? Error)
{
    public static CallbackOutcome Refused(string error) => new(null, null, error);
}
