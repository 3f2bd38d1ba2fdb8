using System.Net;
using System.Net.Sockets;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Configuration;
using Patchbay.Platform.Polling;
using Patchbay.Platform.Storage;
using Patchbay.Platform.Subscriptions;
using Patchbay.Testing;

namespace Patchbay.Platform.Tests.Storage;

/// <summary>The tick's queue sink against a real Azurite, and against a queue endpoint nothing listens on.</summary>
public sealed class PollQueueSenderTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static PollBatch Batch() =>
        new("tick_0123456789ab", null, DateTimeOffset.UnixEpoch, [new DueEntry("20261130000000000_sub_" + new string('a', 32) + " - 0 rW/\"x\"", "sub_" + new string('a', 32))]);

    private static PollQueueSender Sender(string connectionString, string queue, TimeSpan timeout) =>
        new(new StorageClients(new TableServiceClient(connectionString), new QueueServiceClient(connectionString), new StorageGuard(timeout)),
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["PollingQueue"] = queue }).Build());

    [Fact]
    public async Task ABatch_IsOneBase64Message_AndTheQueueIsCreatedAgain_WhenDeletedUnderTheSender()
    {
        string name = "polls-" + Guid.NewGuid().ToString("N")[..12];
        PollQueueSender sender = Sender(azurite.ConnectionString, name, StorageGuard.DefaultTimeout);
        var queue = new QueueClient(azurite.ConnectionString, name);

        await sender.SendAsync(Batch(), CancellationToken.None);
        await queue.DeleteAsync();
        await sender.SendAsync(Batch(), CancellationToken.None);

        QueueMessage[] messages = (await queue.ReceiveMessagesAsync(10)).Value;
        QueueMessage message = Assert.Single(messages);
        Assert.True(PollBatch.TryParse(Encoding.UTF8.GetString(Convert.FromBase64String(message.Body.ToString())), out PollBatch? read, out string? problem), problem);
        Assert.Equal("tick_0123456789ab", read!.TickId);
    }

    [Fact]
    public async Task AQueueServiceNothingAnswers_IsStorageUnavailable()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        string dead = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        // Refused connections after the SDK's retries, or the bound first: either way a StorageUnavailableException, as every storage call.
        PollQueueSender sender = Sender(dead, "patchbay-polls", TimeSpan.FromSeconds(2));

        StorageUnavailableException error = await Assert.ThrowsAsync<StorageUnavailableException>(() => sender.SendAsync(Batch(), CancellationToken.None).AsTask());
        Assert.Contains("unreachable", error.Message, StringComparison.Ordinal);
    }
}
