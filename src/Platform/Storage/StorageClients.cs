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
/// </summary>
public sealed class StorageClients
{
    public StorageClients(TableServiceClient tables, QueueServiceClient queues)
    {
        Tables = tables;
        Queues = queues;
    }

    public TableServiceClient Tables { get; }

    public QueueServiceClient Queues { get; }

    public static StorageClients FromConfiguration(IConfiguration configuration)
    {
        string? connectionString = configuration[SettingNames.Storage];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new StorageClients(new TableServiceClient(connectionString), new QueueServiceClient(connectionString));
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
            new TableServiceClient(new Uri(tableUri), credential),
            new QueueServiceClient(new Uri(queueUri), credential));
    }
}
