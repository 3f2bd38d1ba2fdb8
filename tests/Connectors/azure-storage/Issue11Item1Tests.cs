using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Patchbay.Connectors.Testing;
using Patchbay.Sdk;
using Patchbay.Testing;

namespace Patchbay.Connectors.AzureStorage.Tests;

/// <summary>Issue 11 item 1: every integer input in azure-storage's manifest, spelled 5.0 or 1e2, reaches its handler as an integer.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class Issue11Item1Tests(AzuriteFixture azurite) : AzureStorageTestBase(azurite)
{
    private static readonly ConnectorManifest Manifest = Connector.FromAssembly(typeof(ListBlobs).Assembly).Manifest;

    public static TheoryData<string, string, string> WholeNumbers => IntegerInputs.Cases(Manifest, IntegerInputs.WholeNumberSpellings);

    public static TheoryData<string, string, string> HugeNumbers => IntegerInputs.Cases(Manifest, IntegerInputs.HugeSpellings);

    [Theory]
    [MemberData(nameof(WholeNumbers))]
    public async Task Item1_IntegerInputSpelledWithFractionOrExponent_RunsTheHandler(string operation, string path, string spelling)
    {
        object inputs = await BaseInputsAsync(operation);

        Outcome outcome = await IntegerInputs.RunAsync(Host, operation, IntegerInputs.With(inputs, path, spelling), Auth, Ct);

        IntegerInputs.AssertSucceeded(outcome, $"{operation} {path}={spelling}");
    }

    [Theory]
    [MemberData(nameof(HugeNumbers))]
    public async Task Item1_IntegerInputBeyondWhatTheHandlerTakes_IsRefusedAsInvalidInputs(string operation, string path, string spelling)
    {
        object inputs = await BaseInputsAsync(operation);

        Outcome outcome = await IntegerInputs.RunAsync(Host, operation, IntegerInputs.With(inputs, path, spelling), Auth, Ct);

        IntegerInputs.AssertRefusedAt(outcome, path, $"{operation} {path}={spelling}");
    }

    /// <summary>Valid inputs, and the storage they name, for each operation that has an integer input.</summary>
    private async Task<object> BaseInputsAsync(string operation)
    {
        switch (operation)
        {
            case "list_blobs":
            case "new_blobs":
                return new { container = (await NewContainerAsync()).Name };
            case "download_blob":
                BlobContainerClient container = await NewContainerAsync();
                await container.UploadBlobAsync("a.txt", BinaryData.FromString("hello"), Ct);
                return new { container = container.Name, name = "a.txt" };
            case "send_queue_message":
                QueueClient queue = Queues.GetQueueClient("q" + Guid.NewGuid().ToString("N")[..20]);
                await queue.CreateAsync(cancellationToken: Ct);
                return new { queue = queue.Name, message = "hello" };
            default:
                Assert.Fail($"add base inputs for {operation} to this test");
                return null!;
        }
    }
}
