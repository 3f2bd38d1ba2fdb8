using System.Text.Json;

namespace Patchbay.Client;

/// <summary>The statuses of a connection.</summary>
public static class ConnectionStatuses
{
    /// <summary>Waiting for the user to finish an OAuth authorization.</summary>
    public const string Initiated = "INITIATED";

    /// <summary>Usable: actions can run through it.</summary>
    public const string Active = "ACTIVE";

    /// <summary>Its tokens can no longer be refreshed; reconnect.</summary>
    public const string Expired = "EXPIRED";

    /// <summary>Its credentials were refused; <see cref="PatchbayConnection.StatusReason"/> says why.</summary>
    public const string Failed = "FAILED";
}

/// <summary>A connected account: whose it is, for which connector and whether it works. Never holds secrets.</summary>
public sealed record PatchbayConnection
{
    /// <summary>The connection id (<c>con_…</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The connector's id.</summary>
    public required string Connector { get; init; }

    /// <summary>Whose account it is (your user id).</summary>
    public required string EntityId { get; init; }

    /// <summary>See <see cref="ConnectionStatuses"/>.</summary>
    public required string Status { get; init; }

    /// <summary>Why it is FAILED or EXPIRED.</summary>
    public string? StatusReason { get; init; }

    /// <summary>The auth type, as the manifest spells it.</summary>
    public string? AuthType { get; init; }

    /// <summary>The connected account, when the connector can tell.</summary>
    public JsonElement? Account { get; init; }

    /// <summary>For OAuth while INITIATED: where to send the user.</summary>
    public string? RedirectUrl { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When its authorization (INITIATED) or token expires.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Whether actions can run through it.</summary>
    public bool IsActive => Status == ConnectionStatuses.Active;
}

/// <summary>
/// A connection just requested (Composio's connection request): its id and status, and for OAuth the
/// <see cref="RedirectUrl"/> to send the user to; <see cref="WaitUntilActiveAsync"/> waits for the outcome.
/// </summary>
public sealed class ConnectionRequest
{
    private readonly PatchbayClient _client;

    internal ConnectionRequest(PatchbayClient client, PatchbayConnection connection)
    {
        _client = client;
        Connection = connection;
    }

    /// <summary>The connection as created.</summary>
    public PatchbayConnection Connection { get; }

    /// <summary>The connection id.</summary>
    public string Id => Connection.Id;

    /// <summary>The status when created: ACTIVE or FAILED for keys and custom fields, INITIATED for OAuth.</summary>
    public string Status => Connection.Status;

    /// <summary>For OAuth: where the user authorizes; <see langword="null"/> otherwise.</summary>
    public Uri? RedirectUrl => Connection.RedirectUrl is { } url ? new Uri(url) : null;

    /// <summary>
    /// Waits until the connection is ACTIVE, using the server's long poll (<c>GET /api/connections/{id}?wait=</c>).
    /// </summary>
    /// <param name="timeout">How long to wait in all (at most 1 hour).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="PatchbayException">The connection became FAILED or EXPIRED (with the reason), or is still INITIATED after <paramref name="timeout"/>.</exception>
    public Task<PatchbayConnection> WaitUntilActiveAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _client.WaitUntilActiveAsync(Id, timeout, cancellationToken);
}
