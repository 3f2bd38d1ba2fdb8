using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Patchbay.Testing;

namespace Patchbay.Connectors.AzureStorage.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class SendQueueMessageTests(AzuriteFixture azurite) : AzureStorageTestBase(azurite)
{
    private async Task<QueueClient> NewQueueAsync()
    {
        QueueClient queue = Queues.GetQueueClient("q" + Guid.NewGuid().ToString("N")[..20]);
        await queue.CreateAsync(cancellationToken: Ct);
        return queue;
    }

    [Fact]
    public async Task Send_PutsTheMessageOnTheQueue()
    {
        QueueClient queue = await NewQueueAsync();

        JsonElement data = Data(await RunAsync("send_queue_message", new { queue = queue.Name, message = "{\"order\":42}" }));

        QueueMessage received = Assert.Single((await queue.ReceiveMessagesAsync(maxMessages: 10, cancellationToken: Ct)).Value);
        Assert.Equal("{\"order\":42}", received.MessageText);
        Assert.Equal(received.MessageId, data.GetProperty("message_id").GetString());
        Assert.Equal(queue.Name, data.GetProperty("queue").GetString());
        DateTimeOffset inserted = data.GetProperty("insertion_time").GetDateTimeOffset();
        DateTimeOffset expires = data.GetProperty("expiration_time").GetDateTimeOffset();
        Assert.InRange(expires - inserted, TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        Assert.False(data.TryGetProperty("pop_receipt", out _));
    }

    [Fact]
    public async Task Send_WithVisibilityTimeoutAndTtl_HidesTheMessageAndSetsExpiry()
    {
        QueueClient queue = await NewQueueAsync();

        JsonElement data = Data(await RunAsync("send_queue_message", new { queue = queue.Name, message = "later", visibility_timeout_seconds = 60, time_to_live_seconds = 3600 }));

        Assert.Empty((await queue.ReceiveMessagesAsync(maxMessages: 10, cancellationToken: Ct)).Value);
        PeekedMessage[] peeked = (await queue.PeekMessagesAsync(10, Ct)).Value;
        Assert.Empty(peeked);
        DateTimeOffset inserted = data.GetProperty("insertion_time").GetDateTimeOffset();
        Assert.InRange(data.GetProperty("expiration_time").GetDateTimeOffset() - inserted, TimeSpan.FromSeconds(3590), TimeSpan.FromSeconds(3610));
        Assert.InRange(data.GetProperty("next_visible_time").GetDateTimeOffset() - inserted, TimeSpan.FromSeconds(55), TimeSpan.FromSeconds(65));
    }

    [Fact]
    public async Task Send_Base64Encode_StoresTheMessageBase64Encoded()
    {
        QueueClient queue = await NewQueueAsync();

        Data(await RunAsync("send_queue_message", new { queue = queue.Name, message = "hello functions", base64_encode = true }));

        QueueMessage received = Assert.Single((await queue.ReceiveMessagesAsync(cancellationToken: Ct)).Value);
        Assert.Equal(Convert.ToBase64String("hello functions"u8.ToArray()), received.MessageText);
    }

    [Fact]
    public async Task Send_MissingQueue_IsAnActionErrorSayingSo()
    {
        string message = ErrorMessage(await RunAsync("send_queue_message", new { queue = "no-such-queue", message = "x" }));

        Assert.Equal("Queue 'no-such-queue' does not exist in this storage account.", message);
        Assert.False((await Queues.GetQueueClient("no-such-queue").ExistsAsync(Ct)).Value);
    }
}
