using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Patchbay.Platform.Storage;
using Patchbay.Sdk;

namespace Patchbay.Platform.Connections;

/// <summary>
/// Connections in Table Storage (table <c>connections</c>, one row per connection, PartitionKey = id).
/// Credentials are one AES-GCM blob (<c>Credentials</c>, with <c>KeyId</c>) bound to the row's id and connector;
/// OAuth fields (refresh token inside the blob, <c>ExpiresAt</c>, <c>INITIATED</c>/<c>EXPIRED</c>) fit without a migration.
/// Ids are <c>con_</c> and 32 lowercase hex digits; any other id is answered as absent without a storage call.
/// </summary>
public partial class ConnectionStore
{
    public const string TableName = "connections";
    private const string RowKey = "connection";
    private const string IdPrefix = "con_";
    private readonly TableClient _table;
    private readonly StorageGuard _guard;
    private readonly CredentialProtector _protector;
    private readonly TimeProvider _time;

    public ConnectionStore(StorageClients storage, CredentialProtector protector, TimeProvider time)
    {
        _table = storage.Tables.GetTableClient(TableName);
        _guard = storage.Guard;
        _protector = protector;
        _time = time;
    }

    protected ConnectionStore()
    {
        _table = null!;
        _guard = null!;
        _protector = null!;
        _time = TimeProvider.System;
    }

    /// <summary>A fresh connection id.</summary>
    public static string NewId() => IdPrefix + Guid.NewGuid().ToString("N");

    /// <summary>Whether <paramref name="id"/> is shaped like a connection id (anything else names no connection).</summary>
    public static bool IsWellFormedId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>Stores a connection under a new id; <see cref="Connection.AuthType"/> is the envelope's type in the manifest's spelling.</summary>
    public virtual Task<Connection> CreateAsync(string connector, string entityId, ConnectorAuth auth, string status, string? reason, ConnectedAccountInfo? account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auth);
        return CreateAsync(new NewConnection(NewId(), connector, ManifestAuthType(auth.AuthType), entityId, auth, status, reason, account), cancellationToken);
    }

    /// <summary>Stores a connection as one row: checked against Table Storage's limits first, so it is written whole or not at all.</summary>
    /// <exception cref="ArgumentException">The id is not a connection id, or a value is over Table Storage's limits (callers check <see cref="Hosting.InputLimits"/> first).</exception>
    public virtual async Task<Connection> CreateAsync(NewConnection connection, CancellationToken cancellationToken)
    {
        TableEntity entity = NewRow(connection);
        entity["Account"] = SerializeAccount(connection.Account);
        return await AddAsync(entity, cancellationToken);
    }

    // The row every new connection starts as: its id checked, the credentials encrypted and bound to id and connector.
    private TableEntity NewRow(NewConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!IsWellFormedId(connection.Id)) throw new ArgumentException($"'{connection.Id}' is not a connection id; use {nameof(NewId)}().", nameof(connection));
        (string keyId, string cipher) = _protector.Protect(Encoding.UTF8.GetBytes(connection.Auth.ToEnvelopeJson()), Bind(connection.Id, connection.Connector));
        DateTimeOffset now = _time.GetUtcNow();
        return new TableEntity(connection.Id, RowKey)
        {
            ["Connector"] = connection.Connector,
            ["EntityId"] = connection.EntityId,
            ["Status"] = connection.Status,
            ["StatusReason"] = StorageText.Bound(connection.StatusReason),
            ["AuthType"] = connection.AuthType,
            ["KeyId"] = keyId,
            ["Credentials"] = cipher,
            ["CreatedAt"] = now,
            ["UpdatedAt"] = now,
            ["FormatVersion"] = 1,
        };
    }

    // Checked against Table Storage's limits first, so the row is written whole or not at all.
    private async Task<Connection> AddAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        StorageText.ThrowIfOversized(entity);
        await _guard.RunAsync(_table, token => _table.AddEntityAsync(entity, token), cancellationToken);
        return ToConnection(entity);
    }

    public virtual async Task<Connection?> GetIfExistsAsync(string id, CancellationToken cancellationToken)
    {
        TableEntity? entity = await ReadAsync(id, cancellationToken);
        return entity is null ? null : ToConnection(entity);
    }

    /// <summary>The connection and its decrypted credentials; <see langword="null"/> when it does not exist.</summary>
    public virtual async Task<(Connection Connection, ConnectorAuth Auth)?> GetWithCredentialsAsync(string id, CancellationToken cancellationToken)
    {
        TableEntity? entity = await ReadAsync(id, cancellationToken);
        if (entity is null) return null;
        Connection connection = ToConnection(entity);
        return (connection, Decrypt(entity, connection));
    }

    /// <summary>
    /// The newest <paramref name="max"/> connections of <paramref name="entityId"/>, or of every entity when it is
    /// <see langword="null"/>, newest first, and how many matched. Reads the whole table (entity ids are not keys) but
    /// holds at most <paramref name="max"/> connections in memory.
    /// </summary>
    public virtual async Task<ListPage<Connection>> ListAsync(string? entityId, int max, CancellationToken cancellationToken)
    {
        string? filter = entityId is null ? null : TableClient.CreateQueryFilter($"EntityId eq {entityId}");
        return await _guard.RunAsync(_table, async token =>
        {
            var newest = new NewestFirst<Connection>(max, c => c.CreatedAt);
            await foreach (TableEntity entity in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: token))
            {
                newest.Add(ToConnection(entity));
            }

            return newest.ToPage();
        }, cancellationToken);
    }

    /// <summary>Marks a connection with a new status (e.g. EXPIRED, FAILED) and why.</summary>
    public virtual async Task UpdateStatusAsync(string id, string status, string? reason, CancellationToken cancellationToken)
    {
        if (!IsWellFormedId(id)) return;
        var patch = new TableEntity(id, RowKey) { ["Status"] = status, ["StatusReason"] = StorageText.Bound(reason), ["UpdatedAt"] = _time.GetUtcNow() };
        await _guard.RunAsync(_table, token => _table.UpdateEntityAsync(patch, ETag.All, TableUpdateMode.Merge, token), cancellationToken);
    }

    /// <summary>
    /// Records the outcome of a new account check: status, reason and account, only if the row is still as it was read (<paramref name="etag"/>).
    /// </summary>
    /// <returns>The connection as stored now; <see langword="null"/> when it was deleted or changed meanwhile.</returns>
    public virtual async Task<Connection?> UpdateCheckAsync(string id, ETag etag, string status, string? reason, ConnectedAccountInfo? account, CancellationToken cancellationToken)
    {
        if (await ReadAsync(id, cancellationToken) is not { } entity || entity.ETag != etag) return null;

        // Replace, not merge: a merge would keep the old reason when the new one is null.
        entity["Status"] = status;
        entity["StatusReason"] = StorageText.Bound(reason);
        entity["Account"] = SerializeAccount(account);
        entity["UpdatedAt"] = _time.GetUtcNow();
        try
        {
            await _guard.RunAsync(_table, token => _table.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, token), cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null;
        }

        return ToConnection(entity);
    }

    /// <summary>The connection, its decrypted credentials and the row's ETag (for <see cref="UpdateCheckAsync"/>); <see langword="null"/> when it does not exist.</summary>
    public virtual async Task<(Connection Connection, ConnectorAuth Auth, ETag ETag)?> GetForCheckAsync(string id, CancellationToken cancellationToken)
    {
        TableEntity? entity = await ReadAsync(id, cancellationToken);
        if (entity is null) return null;
        Connection connection = ToConnection(entity);
        return (connection, Decrypt(entity, connection), entity.ETag);
    }

    /// <summary>Deletes the connection; <see langword="false"/> when there was none.</summary>
    public virtual async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (!IsWellFormedId(id)) return false;
        Response response = await _guard.RunAsync(_table, token => _table.DeleteEntityAsync(id, RowKey, ETag.All, token), cancellationToken);
        return response.Status != 404;
    }

    private async Task<TableEntity?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        if (!IsWellFormedId(id)) return null;
        NullableResponse<TableEntity> response = await _guard.RunAsync(_table, token => _table.GetEntityIfExistsAsync<TableEntity>(id, RowKey, cancellationToken: token), cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    private ConnectorAuth Decrypt(TableEntity entity, Connection connection)
    {
        byte[] plain = _protector.Unprotect(entity.GetString("KeyId"), entity.GetString("Credentials"), Bind(connection.Id, connection.Connector));
        using JsonDocument document = JsonDocument.Parse(plain);
        return ConnectorAuth.FromJson(document.RootElement);
    }

    // The account comes from the service: each field is cut to a message's length so the row always fits.
    private static string? SerializeAccount(ConnectedAccountInfo? account) => account is null ? null : JsonSerializer.Serialize(account with
    {
        Email = StorageText.Bound(account.Email),
        FirstName = StorageText.Bound(account.FirstName),
        LastName = StorageText.Bound(account.LastName),
        Username = StorageText.Bound(account.Username),
        UserId = StorageText.Bound(account.UserId),
        AvatarUrl = StorageText.Bound(account.AvatarUrl),
        Organization = StorageText.Bound(account.Organization),
    }, ConnectorJson.Options);

    /// <summary>
    /// The manifest's spelling of an auth type (<c>custom</c>, <c>platform</c>), as <c>GET /api/connectors</c> shows it, for rows written
    /// with the envelope's spelling (<c>Custom</c>, <c>ApiKey</c>, <c>Basic</c>, <c>PlatformOauth2</c>).
    /// </summary>
    public static string? ManifestAuthType(string? stored) => stored switch
    {
        null => null,
        _ when string.Equals(stored, AuthTypes.PlatformOAuth2, StringComparison.OrdinalIgnoreCase) => AuthKinds.Platform,
        _ when string.Equals(stored, AuthTypes.Custom, StringComparison.OrdinalIgnoreCase)
            || string.Equals(stored, AuthTypes.ApiKey, StringComparison.OrdinalIgnoreCase)
            || string.Equals(stored, AuthTypes.Basic, StringComparison.OrdinalIgnoreCase) => AuthKinds.Custom,
        _ => stored,
    };

    [System.Text.RegularExpressions.GeneratedRegex("^con_[0-9a-f]{32}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex IdPattern();

    private static byte[] Bind(string id, string connector) => Encoding.UTF8.GetBytes($"patchbay-connection|{id}|{connector}");

    private static Connection ToConnection(TableEntity entity)
    {
        string? account = entity.GetString("Account");
        return new Connection
        {
            Id = entity.PartitionKey,
            Connector = entity.GetString("Connector"),
            EntityId = entity.GetString("EntityId"),
            Status = entity.GetString("Status"),
            StatusReason = entity.GetString("StatusReason"),
            AuthType = ManifestAuthType(entity.GetString("AuthType")),
            Account = account is null ? null : JsonSerializer.Deserialize<ConnectedAccountInfo>(account, ConnectorJson.Options),
            CreatedAt = entity.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
            UpdatedAt = entity.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue,
            ExpiresAt = entity.GetDateTimeOffset("ExpiresAt"),
        };
    }
}

/// <summary>What <see cref="ConnectionStore.CreateAsync(NewConnection, CancellationToken)"/> stores.</summary>
/// <param name="Id">From <see cref="ConnectionStore.NewId"/>.</param>
/// <param name="Connector">The connector's id.</param>
/// <param name="AuthType">The manifest's <c>auth.type</c> (<c>custom</c>, <c>platform</c>, ...).</param>
/// <param name="EntityId">Whose connection it is.</param>
/// <param name="Auth">The credentials (stored encrypted).</param>
/// <param name="Status">ACTIVE, FAILED, ...</param>
/// <param name="StatusReason">Why it is not ACTIVE.</param>
/// <param name="Account">Whose account the credentials are, when the connector can tell.</param>
public sealed record NewConnection(string Id, string Connector, string? AuthType, string EntityId, ConnectorAuth Auth, string Status, string? StatusReason, ConnectedAccountInfo? Account);
