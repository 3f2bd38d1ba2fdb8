using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Patchbay.Platform.Storage;
using Patchbay.Sdk;

namespace Patchbay.Platform.Connections;

/// <summary>
/// The OAuth side of the connection row: the pending authorization (PKCE verifier, state nonce, redirect URI; encrypted in
/// <c>OAuthPending</c>) and ETag-conditional replacements, so a state is used once and a refresh is written by one instance.
/// </summary>
public partial class ConnectionStore
{
    /// <summary>Stores an INITIATED OAuth connection with its pending authorization; <paramref name="expiresAt"/> is the state's expiry.</summary>
    public virtual async Task<Connection> CreateInitiatedAsync(NewConnection connection, PendingAuthorization pending, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pending);
        TableEntity entity = NewRow(connection);
        entity["ExpiresAt"] = expiresAt;
        SetPending(entity, pending);
        return await AddAsync(entity, cancellationToken);
    }

    /// <summary>The connection, its decrypted credentials and pending authorization, and the row as read (for <see cref="TryReplaceOAuthAsync"/>).</summary>
    public virtual async Task<OAuthRow?> GetOAuthAsync(string id, CancellationToken cancellationToken)
    {
        TableEntity? entity = await ReadAsync(id, cancellationToken);
        if (entity is null) return null;
        Connection connection = ToConnection(entity);
        PendingAuthorization? pending = null;
        if (entity.GetString("OAuthPending") is { Length: > 0 } cipher)
        {
            byte[] plain = _protector.Unprotect(entity.GetString("OAuthPendingKeyId"), cipher, BindPending(connection.Id, connection.Connector));
            pending = JsonSerializer.Deserialize<PendingAuthorization>(plain);
        }

        return new OAuthRow(connection, Decrypt(entity, connection), pending, entity);
    }

    /// <summary>
    /// Replaces the row read as <paramref name="current"/> with <paramref name="change"/> applied, only if nobody changed it since (its ETag).
    /// </summary>
    /// <returns>The row as stored now; <see langword="null"/> when it was changed or deleted meanwhile (the caller re-reads).</returns>
    public virtual async Task<OAuthRow?> TryReplaceOAuthAsync(OAuthRow current, OAuthChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(change);
        Connection connection = current.Connection;
        var entity = new TableEntity(current.Entity);
        ConnectorAuth auth = change.Auth ?? current.Auth;
        if (change.Auth is not null)
        {
            (string keyId, string cipher) = _protector.Protect(Encoding.UTF8.GetBytes(change.Auth.ToEnvelopeJson()), Bind(connection.Id, connection.Connector));
            entity["KeyId"] = keyId;
            entity["Credentials"] = cipher;
        }

        if (change.Status is not null)
        {
            entity["Status"] = change.Status;
            entity["StatusReason"] = StorageText.Bound(change.StatusReason);
        }

        if (change.SetExpiresAt) entity["ExpiresAt"] = change.ExpiresAt;
        if (change.Account is not null) entity["Account"] = SerializeAccount(change.Account);
        PendingAuthorization? pending = current.Pending;
        if (change.ClearPending)
        {
            entity.Remove("OAuthPending");
            entity.Remove("OAuthPendingKeyId");
            pending = null;
        }

        if (change.Pending is not null)
        {
            SetPending(entity, change.Pending);
            pending = change.Pending;
        }

        entity["UpdatedAt"] = _time.GetUtcNow();
        StorageText.ThrowIfOversized(entity);
        Response response;
        try
        {
            response = await _guard.RunAsync(_table, token => _table.UpdateEntityAsync(entity, current.Entity.ETag, TableUpdateMode.Replace, token), cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null;
        }

        entity.ETag = response.Headers.ETag ?? default;
        return new OAuthRow(ToConnection(entity), auth, pending, entity);
    }

    private void SetPending(TableEntity entity, PendingAuthorization pending)
    {
        (string keyId, string cipher) = _protector.Protect(JsonSerializer.SerializeToUtf8Bytes(pending), BindPending(entity.PartitionKey, entity.GetString("Connector")));
        entity["OAuthPendingKeyId"] = keyId;
        entity["OAuthPending"] = cipher;
    }

    private static byte[] BindPending(string id, string connector) => Encoding.UTF8.GetBytes($"patchbay-oauth-pending|{id}|{connector}");
}

/// <summary>A connection row as the OAuth flow reads it; <see cref="Entity"/> carries the ETag a conditional replacement needs.</summary>
public sealed record OAuthRow(Connection Connection, ConnectorAuth Auth, PendingAuthorization? Pending, TableEntity Entity)
{
    public ETag ETag => Entity.ETag;
}

/// <summary>What <see cref="ConnectionStore.TryReplaceOAuthAsync"/> changes; <see langword="null"/> members stay as they are.</summary>
public sealed record OAuthChange
{
    public string? Status { get; init; }
    public string? StatusReason { get; init; }
    public ConnectorAuth? Auth { get; init; }
    public bool SetExpiresAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public ConnectedAccountInfo? Account { get; init; }
    public bool ClearPending { get; init; }
    public PendingAuthorization? Pending { get; init; }
}

/// <summary>An authorization under way, stored encrypted on its connection until the callback uses it once.</summary>
public sealed record PendingAuthorization
{
    [JsonPropertyName("nonce")] public required string Nonce { get; init; }
    [JsonPropertyName("verifier")] public required string Verifier { get; init; }
    [JsonPropertyName("callback")] public required string Callback { get; init; }
    [JsonPropertyName("redirect_uri")] public string? RedirectUri { get; init; }
    [JsonPropertyName("scopes")] public required IReadOnlyList<string> Scopes { get; init; }
    [JsonPropertyName("expires_at")] public required DateTimeOffset ExpiresAt { get; init; }
}
