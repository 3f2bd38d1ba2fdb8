using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Patchbay.Sdk;
using Patchbay.Sdk.Testing;
using Patchbay.Testing;

namespace Patchbay.Connectors.AzureStorage.Tests;

/// <summary>One Azurite for every test class that talks to storage; each test uses its own container or queue.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}

/// <summary>The connector under test plus direct SDK clients to arrange and check storage state.</summary>
public abstract class AzureStorageTestBase(AzuriteFixture azurite)
{
    protected ConnectorTestHost Host { get; } = ConnectorTestHost.FromAssembly(typeof(ListBlobs).Assembly);

    protected string ConnectionString => azurite.ConnectionString;

    protected object Auth => new { connection_string = azurite.ConnectionString };

    protected int BlobPort => azurite.BlobPort;

    protected BlobServiceClient Blobs => new(azurite.ConnectionString);

    protected QueueServiceClient Queues => new(azurite.ConnectionString);

    // A hung Azurite call fails the test instead of the run.
    protected static CancellationToken Ct => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    protected async Task<BlobContainerClient> NewContainerAsync()
    {
        BlobContainerClient container = Blobs.GetBlobContainerClient("c" + Guid.NewGuid().ToString("N")[..20]);
        await container.CreateAsync(cancellationToken: Ct);
        return container;
    }

    protected Task<IntegrationResult> RunAsync(string action, object inputs) => Host.ExecuteActionAsync(action, inputs, Auth, Ct);

    protected static JsonElement Data(IntegrationResult result)
    {
        Assert.False(result.IsError, result.IsError ? ((ActionError)result.Outcome!).Message : null);
        return ((ActionResult)result.Outcome!).Data;
    }

    protected static string ErrorMessage(IntegrationResult result)
    {
        Assert.True(result.IsError, "expected an error result, got " + result.ToJson());
        return ((ActionError)result.Outcome!).Message;
    }
}
