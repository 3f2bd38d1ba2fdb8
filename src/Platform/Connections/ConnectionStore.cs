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
/// </summary>
public class ConnectionStore
{
    public const string TableName = "connections";
    private const string RowKey = "connection";
    private readonly TableClient _table;
    private readonly CredentialProtector _protector;
    private readonly TimeProvider _time;
    private int _created;

    public ConnectionStore(StorageClients storage, CredentialProtector protector, TimeProvider time)
    {
        _table = storage.Tables.GetTableClient(TableName);
        _protector = protector;
        _time = time;
    }

    protected ConnectionStore()
    {
        _table = null!;
        _protector = null!;
        _time = TimeProvider.System;
    }

    public virtual async Task<Connection> CreateAsync(string connector, string entityId, ConnectorAuth auth, string status, string? reason, ConnectedAccountInfo? account, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        string id = "con_" + Guid.NewGuid().ToString("N");
        (string keyId, string cipher) = _protector.Protect(Encoding.UTF8.GetBytes(auth.ToEnvelopeJson()), Bind(id, connector));
        DateTimeOffset now = _time.GetUtcNow();
        var entity = new TableEntity(id, RowKey)
        {
            ["Connector"] = connector,
            ["EntityId"] = entityId,
            ["Status"] = status,
            ["StatusReason"] = reason,
            ["AuthType"] = auth.AuthType,
            ["KeyId"] = keyId,
            ["Credentials"] = cipher,
            ["Account"] = account is null ? null : JsonSerializer.Serialize(account, ConnectorJson.Options),
            ["CreatedAt"] = now,
            ["UpdatedAt"] = now,
            ["FormatVersion"] = 1,
        };
        await _table.AddEntityAsync(entity, cancellationToken);
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
        byte[] plain = _protector.Unprotect(entity.GetString("KeyId"), entity.GetString("Credentials"), Bind(id, connection.Connector));
        using JsonDocument document = JsonDocument.Parse(plain);
        return (connection, ConnectorAuth.FromJson(document.RootElement));
    }

    /// <summary>
    /// The newest <paramref name="max"/> connections of <paramref name="entityId"/>, or of every entity when it is
    /// <see langword="null"/>, newest first, and how many matched. Reads the whole table (entity ids are not keys) but
    /// holds at most <paramref name="max"/> connections in memory.
    /// </summary>
    public virtual async Task<ListPage<Connection>> ListAsync(string? entityId, int max, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        string? filter = entityId is null ? null : TableClient.CreateQueryFilter($"EntityId eq {entityId}");
        var newest = new NewestFirst<Connection>(max, c => c.CreatedAt);
        await foreach (TableEntity entity in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            newest.Add(ToConnection(entity));
        }

        return newest.ToPage();
    }

    /// <summary>Marks a connection with a new status (e.g. EXPIRED, FAILED) and why.</summary>
    public virtual async Task UpdateStatusAsync(string id, string status, string? reason, CancellationToken cancellationToken)
    {
        var patch = new TableEntity(id, RowKey) { ["Status"] = status, ["StatusReason"] = reason, ["UpdatedAt"] = _time.GetUtcNow() };
        await _table.UpdateEntityAsync(patch, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>Deletes the connection; <see langword="false"/> when there was none.</summary>
    public virtual async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        Response response = await _table.DeleteEntityAsync(id, RowKey, ETag.All, cancellationToken);
        return response.Status != 404;
    }

    private async Task<TableEntity?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        NullableResponse<TableEntity> response = await _table.GetEntityIfExistsAsync<TableEntity>(id, RowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 1) return;
        await _table.CreateIfNotExistsAsync(cancellationToken);
        Volatile.Write(ref _created, 1);
    }

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
            AuthType = entity.GetString("AuthType"),
            Account = account is null ? null : JsonSerializer.Deserialize<ConnectedAccountInfo>(account, ConnectorJson.Options),
            CreatedAt = entity.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
            UpdatedAt = entity.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue,
            ExpiresAt = entity.GetDateTimeOffset("ExpiresAt"),
        };
    }
}
