using System.Text.Json;
using System.Text.Json.Nodes;

namespace Patchbay.Client;

public partial class PatchbayClient
{
    /// <summary>The longest single long poll the server accepts (<c>?wait=</c>), in seconds.</summary>
    public const int MaxServerWaitSeconds = 60;

    /// <summary>
    /// Connects an account: stores <paramref name="credentials"/> for a key or custom-auth connector (ACTIVE or
    /// FAILED at once), or starts an OAuth authorization (INITIATED, with a redirect URL).
    /// </summary>
    /// <param name="connector">The connector's id.</param>
    /// <param name="credentials">The fields <see cref="ConnectorAuthParameters.Fields"/> lists; <see langword="null"/> for OAuth.</param>
    /// <param name="entityId">Your user's id; <c>default</c> when <see langword="null"/>.</param>
    /// <param name="redirectUri">For OAuth: where the user lands afterwards (must be allowed by the app).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="PatchbayException">400 with the fields at fault, 404 for an unknown connector.</exception>
    public virtual async Task<ConnectionRequest> InitiateConnectionAsync(string connector, object? credentials = null, string? entityId = null, Uri? redirectUri = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connector);
        var body = new JsonObject { ["connector"] = connector };
        if (entityId is not null) body["entity_id"] = entityId;
        if (credentials is not null) body["credentials"] = JsonNode.Parse(ClientJson.ToElement(credentials).GetRawText());
        if (redirectUri is not null) body["redirect_uri"] = redirectUri.ToString();
        JsonElement created = await SendAsync(HttpMethod.Post, "api/connections", body, cancellationToken).ConfigureAwait(false);
        return new ConnectionRequest(this, ClientJson.Read<PatchbayConnection>(created));
    }

    /// <summary>One connection, without secrets.</summary>
    /// <exception cref="PatchbayException">404 when there is none.</exception>
    public virtual async Task<PatchbayConnection> GetConnectionAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return ClientJson.Read<PatchbayConnection>(await SendAsync(HttpMethod.Get, $"api/connections/{Escape(id)}", null, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Connections of one entity, newest first; every connection when <paramref name="entityId"/> is <see langword="null"/>.</summary>
    public virtual async Task<IReadOnlyList<PatchbayConnection>> ListConnectionsAsync(string? entityId = null, CancellationToken cancellationToken = default) =>
        ClientJson.Read<List<PatchbayConnection>>(await SendAsync(HttpMethod.Get, Query("api/connections", ("entity_id", entityId)), null, cancellationToken).ConfigureAwait(false));

    /// <summary>Deletes a connection and its credentials.</summary>
    /// <exception cref="PatchbayException">404 when there is none.</exception>
    public virtual async Task DeleteConnectionAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        await SendAsync(HttpMethod.Delete, $"api/connections/{Escape(id)}", null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a new OAuth authorization for an EXPIRED or FAILED connection, keeping its id
    /// (<c>POST /api/connections/{id}/reconnect</c>): send the user to <see cref="ConnectionRequest.RedirectUrl"/>, then wait.
    /// </summary>
    /// <exception cref="PatchbayException">404 when there is none; 409 when it is not an OAuth connection or not EXPIRED/FAILED.</exception>
    public virtual async Task<ConnectionRequest> ReconnectAsync(string id, Uri? redirectUri = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        object? body = redirectUri is null ? null : new JsonObject { ["redirect_uri"] = redirectUri.ToString() };
        JsonElement started = await SendAsync(HttpMethod.Post, $"api/connections/{Escape(id)}/reconnect", body, cancellationToken).ConfigureAwait(false);
        return new ConnectionRequest(this, ClientJson.Read<PatchbayConnection>(started));
    }

    /// <summary>Waits until a connection is ACTIVE (see <see cref="ConnectionRequest.WaitUntilActiveAsync"/>).</summary>
    /// <exception cref="PatchbayException">FAILED or EXPIRED (with the reason), or still INITIATED after <paramref name="timeout"/>.</exception>
    public virtual async Task<PatchbayConnection> WaitUntilActiveAsync(string id, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timeout, TimeSpan.FromHours(1));
        DateTimeOffset deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            TimeSpan left = deadline - DateTimeOffset.UtcNow;
            int wait = (int)Math.Clamp(Math.Ceiling(left.TotalSeconds), 0, MaxServerWaitSeconds);
            JsonElement answer = await SendAsync(HttpMethod.Get, Query($"api/connections/{Escape(id)}", ("wait", wait.ToString(System.Globalization.CultureInfo.InvariantCulture))), null, cancellationToken, TimeSpan.FromSeconds(wait))
                .ConfigureAwait(false);
            PatchbayConnection connection = ClientJson.Read<PatchbayConnection>(answer);
            switch (connection.Status)
            {
                case ConnectionStatuses.Active:
                    return connection;
                case ConnectionStatuses.Failed or ConnectionStatuses.Expired:
                    throw new PatchbayException($"Connection {id} is {connection.Status}: {connection.StatusReason ?? "no reason given"}. Create a new connection or reconnect it.");
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw new PatchbayException($"Connection {id} is still {connection.Status} after {timeout.TotalSeconds:0.#} s; the user has not finished connecting.");
            }
        }
    }
}
