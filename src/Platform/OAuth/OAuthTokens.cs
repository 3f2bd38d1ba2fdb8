using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Patchbay.Platform.Actions;
using Patchbay.Platform.Connections;
using Patchbay.Platform.Hosting;
using Patchbay.Sdk;

namespace Patchbay.Platform.OAuth;

/// <summary>
/// Keeps OAuth connections' access tokens usable: refreshed <see cref="RefreshMargin"/> before they expire, and once
/// after the service rejected one (HTTP 401). Single-flight per connection: within this process a semaphore per
/// connection id (50 concurrent actions make one refresh), across instances an ETag-conditional replacement of the
/// connection row (the instance that loses re-reads the row and uses the winner's tokens). <c>invalid_grant</c> marks
/// the connection EXPIRED with the provider's reason; callers then get 409 saying to reconnect.
/// </summary>
public sealed class OAuthTokens(ConnectionStore store, OAuthProviders providers, OAuthTokenClient client, TimeProvider time, ILoggerFactory loggers)
{
    /// <summary>How long before its expiry an access token is refreshed.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(2);

    /// <summary>Re-reads of a row that other instances keep changing before one refresh gives up (409).</summary>
    public const int MaxRounds = 4;

    // One gate per connection id being refreshed in this process, removed when its last caller leaves (under the lock).
    private readonly Dictionary<string, Gate> _gates = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggers.CreateLogger("Patchbay.OAuth");

    /// <summary>The credentials key holding the access token's expiry (ISO 8601).</summary>
    public const string ExpiresAtField = "expires_at";

    /// <summary>
    /// <paramref name="auth"/> when it is usable; otherwise refreshed tokens. <paramref name="rejectedToken"/>: the access token
    /// the service just answered 401 to (refresh unless another caller already replaced it), or <see langword="null"/>.
    /// Connections without a refresh token (a pasted access_token) are returned as they are.
    /// </summary>
    /// <exception cref="ApiProblem">409 when the connection is (or just became) EXPIRED or otherwise not active; 502 when the provider could not refresh.</exception>
    public async Task<ConnectorAuth> EnsureFreshAsync(Connector connector, string connectionId, ConnectorAuth auth, string? rejectedToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(auth);
        if (!connector.Manifest.Auth.IsOAuth || string.IsNullOrEmpty(auth.GetCredential("refresh_token"))) return auth;
        if (!NeedsRefresh(auth, rejectedToken)) return auth;

        Gate gate = Enter(connectionId);
        try
        {
            await gate.Semaphore.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(connectionId, gate);
            throw;
        }

        try
        {
            for (int round = 0; round < MaxRounds; round++)
            {
                OAuthRow row = await store.GetOAuthAsync(connectionId, cancellationToken) ?? throw ConnectionsApi.NotFound(connectionId);
                if (row.Connection.Status != ConnectionStatus.Active)
                {
                    throw new ApiProblem(409, ProblemTypes.ConnectionNotActive, "The connection is not active", ActionInvoker.NotActive(row.Connection));
                }

                // Another caller (here or on another instance) refreshed while this one waited: use its tokens.
                if (!NeedsRefresh(row.Auth, rejectedToken)) return row.Auth;
                if (row.Auth.GetCredential("refresh_token") is not { Length: > 0 } refreshToken) return row.Auth;

                OAuthProvider provider = providers.GetConfigured(connector.Id, connector.Manifest.Auth.Provider);
                TokenResult result = await client.RefreshAsync(provider, refreshToken, cancellationToken);
                if (result.Tokens is { } tokens)
                {
                    (ConnectorAuth refreshed, DateTimeOffset? expiresAt) = ToAuth(tokens, row.Auth);
                    OAuthRow? stored = await store.TryReplaceOAuthAsync(row, new OAuthChange { Auth = refreshed, SetExpiresAt = true, ExpiresAt = expiresAt }, cancellationToken);
                    if (stored is not null)
                    {
                        _logger.LogInformation("Connection {ConnectionId}: access token refreshed through {Provider}", connectionId, provider.Name);
                        return refreshed;
                    }

                    _logger.LogInformation("Connection {ConnectionId}: another instance refreshed first; using its tokens", connectionId);
                    continue;
                }

                if (result.IsTransient)
                {
                    throw new ApiProblem(502, ProblemTypes.UpstreamError, "The access token could not be refreshed",
                        $"Connection '{connectionId}': {result.Message} The connection stays ACTIVE; try again shortly.");
                }

                if (result.Error != "invalid_grant")
                {
                    throw new ApiProblem(502, ProblemTypes.UpstreamError, "The access token could not be refreshed",
                        $"Connection '{connectionId}': {result.Message} Check Patchbay__OAuth__Providers__{provider.Name}__ClientId and __ClientSecret.");
                }

                string reason = Sentence.Join($"{provider.Name} no longer accepts the refresh token ({result.Message})",
                    $"Reconnect it with POST /api/connections/{connectionId}/reconnect");
                OAuthRow? expired = await store.TryReplaceOAuthAsync(row, new OAuthChange { Status = ConnectionStatus.Expired, StatusReason = reason }, cancellationToken);
                if (expired is null) continue; // The row changed meanwhile (perhaps a winner's refresh): read it again.
                _logger.LogWarning("Connection {ConnectionId} expired: {Reason}", connectionId, reason);
                throw new ApiProblem(409, ProblemTypes.ConnectionNotActive, "The connection is not active", ActionInvoker.NotActive(expired.Connection));
            }

            throw new ApiProblem(409, ProblemTypes.Conflict, "The connection kept changing",
                $"Connection '{connectionId}' changed {MaxRounds} times while its token was being refreshed; try again.");
        }
        finally
        {
            gate.Semaphore.Release();
            Leave(connectionId, gate);
        }
    }

    /// <summary>Gates held or waited for now (0 when no refresh is in progress): for tests.</summary>
    internal int GateCount
    {
        get
        {
            lock (_gates) return _gates.Count;
        }
    }

    private Gate Enter(string connectionId)
    {
        lock (_gates)
        {
            if (!_gates.TryGetValue(connectionId, out Gate? gate)) _gates[connectionId] = gate = new Gate();
            gate.Users++;
            return gate;
        }
    }

    private void Leave(string connectionId, Gate gate)
    {
        lock (_gates)
        {
            if (--gate.Users == 0)
            {
                _gates.Remove(connectionId);
                gate.Semaphore.Dispose();
            }
        }
    }

    /// <summary>The credentials to store for <paramref name="tokens"/>: a refresh token the provider did not rotate, and scopes it did not repeat, are kept from <paramref name="previous"/>.</summary>
    public (ConnectorAuth Auth, DateTimeOffset? ExpiresAt) ToAuth(TokenSet tokens, ConnectorAuth? previous)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        DateTimeOffset? expiresAt = tokens.ExpiresInSeconds is { } seconds and > 0 ? time.GetUtcNow().AddSeconds(seconds) : null;
        var credentials = new JsonObject { ["access_token"] = tokens.AccessToken };
        if ((tokens.RefreshToken ?? previous?.GetCredential("refresh_token")) is { } refresh) credentials["refresh_token"] = refresh;
        if (expiresAt is { } at) credentials[ExpiresAtField] = at.ToString("O", CultureInfo.InvariantCulture);
        if ((tokens.Scope ?? previous?.GetCredential("scope")) is { } scope) credentials["scope"] = scope;
        if (tokens.TokenType is { } type) credentials["token_type"] = type;
        return (ConnectorAuth.Create(AuthTypes.PlatformOAuth2, JsonSerializer.SerializeToElement(credentials)), expiresAt);
    }

    private sealed class Gate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private bool NeedsRefresh(ConnectorAuth auth, string? rejectedToken)
    {
        if (rejectedToken is not null) return auth.GetCredential("access_token") == rejectedToken;
        return auth.GetCredential(ExpiresAtField) is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset expiresAt)
            && expiresAt - RefreshMargin <= time.GetUtcNow();
    }
}
