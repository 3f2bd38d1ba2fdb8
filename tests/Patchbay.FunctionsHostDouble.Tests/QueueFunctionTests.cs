using System.Text;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Patchbay.Testing;

namespace Patchbay.Testing.Functions.Tests;

/// <summary>The sample worker on a real Azurite, its queue trigger driven by the double's listener as the queue extension drives it.</summary>
public sealed class QueueFunctionTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private FunctionsHostDouble? _host;

    private FunctionsHostDouble Host => _host ?? throw new InvalidOperationException("The worker did not start.");

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        FunctionsHostDoubleOptions options = SampleWorkerFixture.Options();
        options.AppSettings["SampleStorage"] = _azurite.ConnectionString;
        _host = await FunctionsHostDouble.StartAsync(options);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task A_message_is_invoked_with_its_text_and_the_queue_triggers_metadata_then_deleted()
    {
        QueueClient queue = await QueueAsync(SampleWorkerFixture.Queue);
        SendReceipt sent = await queue.SendMessageAsync(Base64("hello " + Guid.NewGuid().ToString("N")));

        QueueMessageResult result = await Host.WaitForQueueMessageAsync(m => m.MessageId == sent.MessageId);
        WorkerLogEntry log = await Host.WaitForLogAsync(l => l.InvocationId == result.InvocationId && l.Message.StartsWith("Work ran", StringComparison.Ordinal));

        Assert.Equal(QueueMessageOutcome.Deleted, result.Outcome);
        Assert.Equal("Work", result.FunctionName);
        Assert.Equal(1, result.DequeueCount);
        Assert.Contains($"message={result.Text} id={sent.MessageId} dequeueCount=1 queueTrigger={result.Text} hasInsertionTime=True", log.Message, StringComparison.Ordinal);
        Assert.Equal("Work (queue 'sample-work')", Assert.Single(Host.Functions, f => f.Name == "Work").ToString());
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task A_message_that_keeps_failing_is_retried_up_to_maxDequeueCount_then_moved_to_the_poison_queue()
    {
        QueueClient queue = await QueueAsync(SampleWorkerFixture.Queue);
        string text = "fail " + Guid.NewGuid().ToString("N");
        SendReceipt sent = await queue.SendMessageAsync(Base64(text));

        // The sample's host.json: maxDequeueCount 2, visibilityTimeout 0.
        QueueMessageResult last = await Host.WaitForQueueMessageAsync(m => m.MessageId == sent.MessageId && m.Outcome == QueueMessageOutcome.MovedToPoison);
        QueueMessageResult[] attempts = [.. Host.QueueMessages.Where(m => m.MessageId == sent.MessageId)];
        PeekedMessage poisoned = Assert.Single((await (await QueueAsync(SampleWorkerFixture.Queue + "-poison")).PeekMessagesAsync(32)).Value);

        Assert.Equal([(1L, QueueMessageOutcome.Retried), (2L, QueueMessageOutcome.MovedToPoison)], attempts.Select(a => (a.DequeueCount, a.Outcome)));
        Assert.All(attempts, a => Assert.Contains("Work was asked to fail", a.Error, StringComparison.Ordinal));
        Assert.NotNull(last.InvocationId);
        Assert.Equal(2, Host.Invocations.Count(i => attempts.Any(a => a.InvocationId == i.InvocationId) && i.Status == FunctionInvocationStatus.Failed));
        Assert.Equal(Base64(text), poisoned.Body.ToString()); // moved as stored
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    private async Task<QueueClient> QueueAsync(string name)
    {
        var queue = new QueueClient(_azurite.ConnectionString, name);
        await queue.CreateIfNotExistsAsync();
        return queue;
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
