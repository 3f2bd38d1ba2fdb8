using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Patchbay.Platform.Polling;
using Patchbay.Platform.Subscriptions;
using Patchbay.Testing.Functions;

namespace Patchbay.FunctionApp.Tests.Worker;

/// <summary>
/// The tick's two steps under the Functions host double: <c>PollingTick</c> sends the due subscriptions to the
/// <c>PollingQueue</c> Storage queue in Azurite, and the double's queue listener (as the host's queue extension: poll,
/// invoke with the message and its metadata, delete on success, retry, poison) runs <c>PollingBatch</c> in the real worker.
/// </summary>
[Collection(WorkerAppCollection.Name)]
public sealed class WorkerPollingQueueTests(WorkerApp app)
{
    private QueueClient Queue(string name) => new(app.Azurite.ConnectionString, name);

    // The worker's log line, or a failure that shows what PollingFunctions did log.
    private async Task<WorkerLogEntry> LogAsync(Func<WorkerLogEntry, bool> match)
    {
        try
        {
            return await app.Host.WaitForLogAsync(match);
        }
        catch (TimeoutException ex)
        {
            string logs = string.Join(Environment.NewLine, app.Host.Logs.Where(l => l.Category.Contains("Polling", StringComparison.Ordinal)).TakeLast(20).Select(l => $"{l.InvocationId} {l}"));
            throw new TimeoutException($"{ex.Message}{Environment.NewLine}PollingFunctions logged:{Environment.NewLine}{logs}{Environment.NewLine}{app.Host.Describe()}", ex);
        }
    }

    private async Task<QueueClient> CreatedQueueAsync(string name)
    {
        QueueClient queue = Queue(name);
        await queue.CreateIfNotExistsAsync();
        return queue;
    }

    [Fact]
    public async Task TheTickSendsTheDueSubscriptionToTheQueue_ThePollingBatchFunctionDeliversItsRecordsOnce_AndARepeatedMessageDeliversNothingAgain()
    {
        using HttpClient client = app.Host.CreateClient();
        string entity = "queue-" + Guid.NewGuid().ToString("N")[..12];
        (string hook, string hookUrl) = app.NewHook();
        string id = await SubscribeAsync(client, entity, app.NewFeed(4, 5), hookUrl);

        (await app.Host.InvokeTimerAsync("PollingTick")).EnsureSucceeded();
        QueueMessageResult first = await app.Host.WaitForQueueMessageAsync(m => m.FunctionName == "PollingBatch" && m.Text is { } t && t.Contains(id, StringComparison.Ordinal));

        // The message the tick wrote: a poll batch naming the subscription and its due-index key, run once and deleted.
        Assert.Equal(QueueMessageOutcome.Deleted, first.Outcome);
        Assert.Equal(WorkerApp.PollingQueue, first.QueueName);
        Assert.Equal(1, first.DequeueCount);
        Assert.True(PollBatch.TryParse(first.Text, out PollBatch? batch, out string? problem), problem);
        DueEntry entry = Assert.Single(batch!.Entries, e => e.SubscriptionId == id);
        // The key is the due row (RowKey "{time}_{id}", then its lease and the ETag the claim's If-Match uses).
        Assert.Contains("_" + id + " ", entry.Key, StringComparison.Ordinal);
        Assert.NotNull(DueSlot.FromKey(entry.Key));
        Assert.Equal(["4", "5"], app.Deliveries[hook].Select(d => d.RecordId).Order(StringComparer.Ordinal));

        // At-least-once delivery: the same message again (a redelivery) carries a due row that has moved since: its claim fails, nothing changes.
        await (await CreatedQueueAsync(WorkerApp.PollingQueue)).SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(first.Text!)));
        QueueMessageResult repeated = await app.Host.WaitForQueueMessageAsync(m => m.FunctionName == "PollingBatch" && m.MessageId != first.MessageId && m.Text == first.Text);
        // The worker's user logs carry no invocation id over RpcLog here; they name the message.
        WorkerLogEntry done = await LogAsync(l => l.Message.StartsWith("Poll message " + repeated.MessageId, StringComparison.Ordinal));

        Assert.Equal(QueueMessageOutcome.Deleted, repeated.Outcome);
        Assert.Contains("polled 0 subscriptions, delivered 0 records", done.Message, StringComparison.Ordinal);
        Assert.Equal(["4", "5"], app.Deliveries[hook].Select(d => d.RecordId).Order(StringComparer.Ordinal));
        JsonElement state = JsonDocument.Parse(await client.GetStringAsync($"api/subscriptions/{id}")).RootElement;
        Assert.Equal(0, state.GetProperty("pending_deliveries").GetInt32());
    }

    [Fact]
    public async Task AMalformedPollMessage_IsDroppedWithALogLine_OnItsFirstAttempt_NotRetried()
    {
        string text = "not json " + Guid.NewGuid().ToString("N");
        await (await CreatedQueueAsync(WorkerApp.PollingQueue)).SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)));

        QueueMessageResult result = await app.Host.WaitForQueueMessageAsync(m => m.FunctionName == "PollingBatch" && m.Text == text);
        WorkerLogEntry log = await LogAsync(l => l.Message.StartsWith("Dropped poll message " + result.MessageId, StringComparison.Ordinal));

        // The function succeeded, so the message was deleted at once: one attempt, never the poison queue.
        Assert.Equal(QueueMessageOutcome.Deleted, result.Outcome);
        Assert.Equal(1, result.DequeueCount);
        Assert.Single(app.Host.QueueMessages, m => m.MessageId == result.MessageId);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, log.Level);
        Assert.Contains("not JSON", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMessageInThePoisonQueue_IsLoggedAndDroppedByPollingBatchPoison()
    {
        // What the host moves there after maxDequeueCount failed attempts: a poll batch, as the tick wrote it.
        var batch = new PollBatch("tick_poisoned01", null, DateTimeOffset.UtcNow, [new DueEntry("20261130040000000_sub_" + Guid.NewGuid().ToString("N"), "sub_" + Guid.NewGuid().ToString("N"))]);
        QueueClient poison = Queue(WorkerApp.PollingQueue + "-poison");
        await poison.CreateIfNotExistsAsync();
        await poison.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(batch.ToText())));

        QueueMessageResult dropped = await app.Host.WaitForQueueMessageAsync(m => m.FunctionName == "PollingBatchPoison" && m.Text == batch.ToText());
        WorkerLogEntry log = await LogAsync(l => l.Message.StartsWith("Dropped poll message " + dropped.MessageId, StringComparison.Ordinal));

        Assert.Equal(QueueMessageOutcome.Deleted, dropped.Outcome);
        Assert.Equal(WorkerApp.PollingQueue + "-poison", dropped.QueueName);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, log.Level);
        Assert.Contains("tick tick_poisoned01, 1 due entries", log.Message, StringComparison.Ordinal);
        Assert.Contains("from the poison queue", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMessageThatIsNotBase64_GoesToThePoisonQueueWithoutAnInvocation_AsTheQueueExtensionMovesIt()
    {
        string text = "not base64 !" + Guid.NewGuid().ToString("N");
        await (await CreatedQueueAsync(WorkerApp.PollingQueue)).SendMessageAsync(text);

        QueueMessageResult moved = await app.Host.WaitForQueueMessageAsync(m => m.FunctionName == "PollingBatch" && m.Outcome == QueueMessageOutcome.MovedToPoison && m.Text is null);

        Assert.Null(moved.InvocationId);
        Assert.Contains("base64", moved.Error, StringComparison.Ordinal);
    }

    private static async Task<string> SubscribeAsync(HttpClient client, string entity, string feedUrl, string hookUrl)
    {
        HttpResponseMessage connection = await client.PostAsync("api/connections", Json(new
        {
            connector = "http",
            entity_id = entity,
            credentials = new Dictionary<string, object> { ["auth_method"] = "bearer", ["token"] = WorkerApp.UpstreamToken, ["allowed_hosts"] = new[] { new Uri(feedUrl).Host } },
        }));
        Assert.Equal(HttpStatusCode.Created, connection.StatusCode);
        string connectionId = JsonDocument.Parse(await connection.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        HttpResponseMessage created = await client.PostAsync("api/subscriptions", Json(new
        {
            connector = "http",
            trigger = "json_items",
            inputs = new { url = feedUrl },
            connection_id = connectionId,
            entity_id = entity,
            destination = new { type = "webhook", url = hookUrl },
            deliver_existing = true,
        }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    private static StringContent Json(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");
}
