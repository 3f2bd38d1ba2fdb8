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
        await using var server = EndlessServer.Start();
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
        try
        {
            await server.ClientLeft.WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"The client did not close the connection within 2 minutes; the server accepted {server.Connections} connection(s).");
        }

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

    /// <summary>
    /// An HTTP server on a raw loopback socket that answers every connection with an endless chunked XML body, and
    /// notices the client leave as the socket does (a write that fails), with no HTTP server's own timeouts in between.
    /// </summary>
    private sealed class EndlessServer : IAsyncDisposable
    {
        private readonly System.Net.Sockets.TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly TaskCompletionSource _clientLeft = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Task _accepting;
        private int _connections;

        private EndlessServer()
        {
            _listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            _listener.Start();
            BaseAddress = new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)_listener.LocalEndpoint).Port}/");
            _accepting = AcceptAsync();
        }

        public Uri BaseAddress { get; }

        public Task ClientLeft => _clientLeft.Task;

        public int Connections => Volatile.Read(ref _connections);

        public static EndlessServer Start() => new();

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _accepting;
            }
            catch (Exception)
            {
                // Stopped.
            }

            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                System.Net.Sockets.TcpClient client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                _ = AnswerAsync(client);
            }
        }

        private async Task AnswerAsync(System.Net.Sockets.TcpClient client)
        {
            using (client)
            {
                System.Net.Sockets.NetworkStream stream = client.GetStream();
                byte[] head = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nTransfer-Encoding: chunked\r\n\r\n");
                byte[] data = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("<Blob><Name>x</Name></Blob>", 2048)));
                byte[] chunk = [.. Encoding.ASCII.GetBytes($"{data.Length:X}\r\n"), .. data, .. "\r\n"u8];
                try
                {
                    // The request is not read: its headers (and body) stay in the socket's buffer, which is enough.
                    await stream.WriteAsync(head, _stop.Token);
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(FirstChunk()), _stop.Token);
                    while (true) await stream.WriteAsync(chunk, _stop.Token);
                }
                catch (Exception) when (!_stop.IsCancellationRequested)
                {
                    _clientLeft.TrySetResult();
                }
                catch (Exception)
                {
                    // Stopped.
                }
            }
        }

        private static string FirstChunk()
        {
            const string Start = "<?xml version=\"1.0\"?><EnumerationResults><Blobs>";
            return $"{Start.Length:X}\r\n{Start}\r\n";
        }
    }
}
