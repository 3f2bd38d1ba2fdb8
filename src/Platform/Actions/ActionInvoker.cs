using System.Collections.Concurrent;
using System.Text.Json;
using Patchbay.Platform.Catalog;
using Patchbay.Platform.Connections;
using Patchbay.Platform.Hosting;
using Patchbay.Sdk;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Platform.Actions;

/// <summary>
/// Runs connector operations for the HTTP API and the poller: finds the connector, resolves auth from
/// inline credentials or a stored connection, and builds the handler's context.
/// </summary>
public sealed class ActionInvoker(ConnectorCatalog catalog, ConnectionStore connections, FetchClient fetch, OAuth.OAuthTokens tokens, ILoggerFactory loggers)
{
    // One logger per category for the life of the app, not one lookup (under the factory's lock) per request.
    private readonly ConcurrentDictionary<string, ILogger> _connectorLoggers = new(StringComparer.Ordinal);

    /// <summary>The <c>Patchbay.Actions</c> logger: what the actions API logs.</summary>
    public ILogger ActionsLogger { get; } = loggers.CreateLogger("Patchbay.Actions");

    public Connector GetConnector(string id) =>
        catalog.TryGet(id, out Connector connector)
            ? connector
            : throw ApiProblem.NotFound("Connector", $"There is no connector '{RequestBody.Quote(id)}'. GET /api/connectors lists them.");

    /// <summary>The connector <paramref name="id"/>, when installed.</summary>
    public bool TryGetConnector(string id, out Connector connector) => catalog.TryGet(id, out connector);

    /// <summary>The auth for a call: inline <paramref name="auth"/> (envelope or flat) or the credentials of <paramref name="connectionId"/>.</summary>
    public async Task<ConnectorAuth> ResolveAuthAsync(Connector connector, JsonElement auth, string? connectionId, CancellationToken cancellationToken)
    {
        bool hasAuth = auth.ValueKind == JsonValueKind.Object;
        if (hasAuth && connectionId is not null)
        {
            throw ApiProblem.BadRequest("Send either auth or connection_id, not both.", new FieldError("/connection_id", "cannot be combined with auth"));
        }

        if (connectionId is null)
        {
            try
            {
                return connector.ReadAuth(auth);
            }
            catch (ArgumentException ex)
            {
                throw ApiProblem.BadRequest(ex.Message, new FieldError("/auth", ex.Message));
            }
        }

        (Connection connection, ConnectorAuth stored) = await connections.GetWithCredentialsAsync(connectionId, cancellationToken)
            ?? throw ConnectionsApi.NotFound(connectionId);
        if (connection.Connector != connector.Id)
        {
            throw ApiProblem.BadRequest($"Connection '{connectionId}' belongs to connector '{connection.Connector}', not '{connector.Id}'.", new FieldError("/connection_id", "belongs to another connector"));
        }

        if (connection.Status != ConnectionStatus.Active)
        {
            throw new ApiProblem(409, ProblemTypes.ConnectionNotActive, "The connection is not active", NotActive(connection));
        }

        // OAuth tokens about to expire are refreshed first (a no-op for pasted tokens and other auth).
        return await tokens.EnsureFreshAsync(connector, connectionId, stored, rejectedToken: null, cancellationToken);
    }

    /// <summary>
    /// Resolves auth as <see cref="ResolveAuthAsync"/> does and runs <paramref name="run"/> with it; when a stored OAuth connection's
    /// token is rejected by the service (HTTP 401), refreshes it once and runs <paramref name="run"/> once more.
    /// </summary>
    public async Task<T> RunAsync<T>(Connector connector, JsonElement auth, string? connectionId, Func<ConnectorAuth, Task<T>> run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(run);
        // Scoped to this async method: the caller's Activity.Current (problem details' traceId, the host's logs) is untouched.
        PatchbayTelemetry.ForgetUnrecordedTrace();
        ConnectorAuth resolved = await ResolveAuthAsync(connector, auth, connectionId, cancellationToken);
        return await RunRefreshingOnRejectAsync(connector, connectionId, resolved, run, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="run"/> with the credentials of connection <paramref name="connectionId"/> that the caller has already read
    /// (and found ACTIVE) as <paramref name="stored"/>, refreshing OAuth tokens as <see cref="RunAsync"/> does: first when they are about
    /// to expire, and once more after the service rejected one (HTTP 401). Reads nothing more when no refresh is needed (the poller).
    /// </summary>
    /// <exception cref="ApiProblem">409 (<see cref="ProblemTypes.ConnectionNotActive"/>) when the connection is, or just became, EXPIRED
    /// or otherwise not active; 502 when the provider could not refresh.</exception>
    public async Task<T> RunWithConnectionAsync<T>(Connector connector, string connectionId, ConnectorAuth stored, Func<ConnectorAuth, Task<T>> run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(run);
        PatchbayTelemetry.ForgetUnrecordedTrace();
        ConnectorAuth fresh = await tokens.EnsureFreshAsync(connector, connectionId, stored, rejectedToken: null, cancellationToken);
        return await RunRefreshingOnRejectAsync(connector, connectionId, fresh, run, cancellationToken);
    }

    private async Task<T> RunRefreshingOnRejectAsync<T>(Connector connector, string? connectionId, ConnectorAuth resolved, Func<ConnectorAuth, Task<T>> run, CancellationToken cancellationToken)
    {
        try
        {
            return await run(resolved);
        }
        catch (HttpError ex) when (ex.Status == 401 && connectionId is not null && connector.Manifest.Auth.IsOAuth
            && !string.IsNullOrEmpty(resolved.GetCredential("refresh_token")) && resolved.GetCredential("access_token") is { Length: > 0 } rejected)
        {
            ConnectorAuth refreshed = await tokens.EnsureFreshAsync(connector, connectionId, resolved, rejected, cancellationToken);
            return await run(refreshed);
        }
    }

    /// <summary>Why a connection cannot be used, and what to do: its reason says it when it has one.</summary>
    public static string NotActive(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        string state = $"Connection '{connection.Id}' is {connection.Status}";
        return connection.StatusReason is { Length: > 0 } reason
            ? Sentence.Join($"{state}: {reason}", reason.Contains("/check", StringComparison.Ordinal) || reason.Contains("/reconnect", StringComparison.Ordinal) ? null : "Create a new connection with working credentials")
            : Sentence.Join(state, $"Check it again with POST /api/connections/{connection.Id}/check, or create a new connection with working credentials");
    }

    public ConnectorContext CreateContext(Connector connector, ConnectorAuth auth, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ConnectorContextOptions options = connector.CreateContextOptions(auth);
        options.Logger = _connectorLoggers.GetOrAdd(connector.Id, static (id, factory) => factory.CreateLogger("Patchbay.Connectors." + id), loggers);
        if (metadata is not null) options.Metadata = metadata;
        return new ConnectorContext(fetch, options);
    }
}
