using System.Text;
using Patchbay.Connectors.Testing;
using Patchbay.Testing;

namespace Patchbay.Connectors.AzureStorage.Tests;

/// <summary>
/// Issue 11 item 6, in this connector: the Azure SDK reads list and error answers whole, and a connection string may
/// point at any server. Every answer is read up to <see cref="StorageNetwork.MaxResponseBytes"/>; downloads keep max_bytes.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class Issue11Item6Tests(AzuriteFixture azurite) : AzureStorageTestBase(azurite)
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Theory]
    [InlineData("list_blobs")]
    [InlineData("new_blobs")]
    [InlineData("send_queue_message")]
    public async Task Item6_EndlessAnswer_StopsAtTheLimitAsInvalidDataAndClosesTheConnection(string operation)
    {
        // An endless answer, from a raw socket that notices the client leave as the socket does (a failed write).
        const string Start = "<?xml version=\"1.0\"?><EnumerationResults><Blobs>";
        await using var server = RawHttpServer.Endless("HTTP/1.1 200 OK\r\nContent-Type: application/xml",
            Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("<Blob><Name>x</Name></Blob>", 2048))), Encoding.ASCII.GetBytes(Start));
        string endpoint = new Uri(server.BaseAddress, "devstoreaccount1").ToString();
        object auth = new { connection_string = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint={endpoint};QueueEndpoint={endpoint};" };

        InvalidDataException error = await Assert.ThrowsAsync<InvalidDataException>(() => operation switch
        {
            "list_blobs" => Host.ExecuteActionAsync("list_blobs", new { container = "box" }, auth, Ct),
            "new_blobs" => Host.PollAsync("new_blobs", new { container = "box" }, null, auth, Ct),
            _ => Host.ExecuteActionAsync("send_queue_message", new { queue = "box", message = "m" }, auth, Ct),
        });

        Assert.Contains($"more than {StorageNetwork.MaxResponseBytes} bytes", error.Message, StringComparison.Ordinal);
        // Hang guard only: the answer never ends, so the server's next write fails once the client has closed the connection.
        await server.WaitForClientToLeaveAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(1, server.Connections); // not retried
    }

    [Fact]
    public async Task Item6_DownloadLargerThanMaxBytes_KeepsItsOwnBound()
    {
        var container = await NewContainerAsync();
        await container.UploadBlobAsync("big.bin", BinaryData.FromBytes(new byte[3 * 1024 * 1024]), Ct);

        string message = ErrorMessage(await RunAsync("download_blob", new { container = container.Name, name = "big.bin", max_bytes = 1024 * 1024 }));

        Assert.Contains("is 3145728 bytes, more than max_bytes (1048576)", message, StringComparison.Ordinal);
    }
}
