using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using Patchbay.Platform.Hosting;

namespace Patchbay.Platform.Storage;

/// <summary>
/// Table and queue clients for the storage the Functions host uses (<c>AzureWebJobsStorage</c>):
/// a connection string locally (Azurite: <c>UseDevelopmentStorage=true</c>), or in Azure the identity-based
/// <c>AzureWebJobsStorage__tableServiceUri</c> / <c>__queueServiceUri</c> with the managed identity.
/// Every call is bounded by <see cref="Guard"/> (<c>Patchbay__StorageTimeoutSeconds</c>), which is also each try's network timeout.
/// </summary>
public sealed class StorageClients
{
    public StorageClients(TableServiceClient tables, QueueServiceClient queues)
        : this(tables, queues, new StorageGuard(StorageGuard.DefaultTimeout))
    {
    }

    public StorageClients(TableServiceClient tables, QueueServiceClient queues, StorageGuard guard)
    {
        Tables = tables;
        Queues = queues;
        Guard = guard;
    }

    public TableServiceClient Tables { get; }

    public QueueServiceClient Queues { get; }

    /// <summary>Bounds every storage call, creates missing tables again, and turns unreachable storage into a 503.</summary>
    public StorageGuard Guard { get; }

    public static StorageClients FromConfiguration(IConfiguration configuration) => FromConfiguration(configuration, new StorageGuard(StorageGuard.DefaultTimeout));

    public static StorageClients FromConfiguration(IConfiguration configuration, StorageGuard guard)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(guard);
        TableClientOptions tableOptions = Configure(new TableClientOptions(), guard.Timeout);
        QueueClientOptions queueOptions = Configure(new QueueClientOptions(), guard.Timeout);
        string? connectionString = configuration[SettingNames.Storage];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new StorageClients(new TableServiceClient(connectionString, tableOptions), new QueueServiceClient(connectionString, queueOptions), guard);
        }

        IConfigurationSection section = configuration.GetSection(SettingNames.Storage);
        string? tableUri = section["tableServiceUri"];
        string? queueUri = section["queueServiceUri"];
        if (string.IsNullOrWhiteSpace(tableUri) || string.IsNullOrWhiteSpace(queueUri))
        {
            throw new InvalidOperationException(
                $"Storage is not configured: set {SettingNames.Storage} to a connection string (UseDevelopmentStorage=true for Azurite), " +
                $"or set {SettingNames.StorageTableServiceUri} and {SettingNames.StorageQueueServiceUri} to use a managed identity.");
        }

        string? clientId = section["clientId"];
        TokenCredential credential = string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(string.IsNullOrWhiteSpace(clientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = string.IsNullOrWhiteSpace(clientId) ? null : clientId });
        return new StorageClients(
            new TableServiceClient(new Uri(tableUri), credential, tableOptions),
            new QueueServiceClient(new Uri(queueUri), credential, queueOptions),
            guard);
    }

    // Each try may take the whole bound; a few quick retries fit inside it (the guard ends the call at the bound either way).
    private static T Configure<T>(T options, TimeSpan timeout) where T : ClientOptions
    {
        options.Retry.NetworkTimeout = timeout;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        return options;
    }
}
