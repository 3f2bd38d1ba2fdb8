using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using LoopbackServer server = await LoopbackServer.StartAsync(app => app.Run(c => StreamUntilClosedAsync(c, closed)));
        string endpoint = new Uri(server.BaseAddress, "devstoreaccount1").ToString();
        object auth = new { connection_string = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint={endpoint};QueueEndpoint={endpoint};" };

        InvalidDataException error = await Assert.ThrowsAsync<InvalidDataException>(() => operation switch
        {
            "list_blobs" => Host.ExecuteActionAsync("list_blobs", new { container = "box" }, auth, Ct),
            "new_blobs" => Host.PollAsync("new_blobs", new { container = "box" }, null, auth, Ct),
            _ => Host.ExecuteActionAsync("send_queue_message", new { queue = "box", message = "m" }, auth, Ct),
        });

        Assert.Contains($"more than {StorageNetwork.MaxResponseBytes} bytes", error.Message, StringComparison.Ordinal);
        // Hang guard only: the body never ends, so the server sees the client leave.
        try
        {
            await closed.Task.WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"The server did not see the client leave within 2 minutes; it received {server.Requests.Count} request(s).");
        }

        Assert.Single(server.Requests); // not retried
    }

    [Fact]
    public async Task Item6_DownloadLargerThanMaxBytes_KeepsItsOwnBound()
    {
        var container = await NewContainerAsync();
        await container.UploadBlobAsync("big.bin", BinaryData.FromBytes(new byte[3 * 1024 * 1024]), Ct);

        string message = ErrorMessage(await RunAsync("download_blob", new { container = container.Name, name = "big.bin", max_bytes = 1024 * 1024 }));

        Assert.Contains("is 3145728 bytes, more than max_bytes (1048576)", message, StringComparison.Ordinal);
    }

    private static async Task StreamUntilClosedAsync(HttpContext context, TaskCompletionSource closed)
    {
        using CancellationTokenRegistration registration = context.RequestAborted.Register(() => closed.TrySetResult());
        byte[] chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("<Blob><Name>x</Name></Blob>", 2048)));
        context.Response.ContentType = "application/xml";
        try
        {
            await context.Response.WriteAsync("<?xml version=\"1.0\"?><EnumerationResults><Blobs>");
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        }
        catch (Exception)
        {
            // The client stopped reading.
        }
    }
}
