using System.Text;
using Azure;
using Azure.Storage.Queues;
using Patchbay.Platform.Storage;

namespace Patchbay.Platform.Polling;

/// <summary>
/// The tick's sink under the Functions host (the isolated worker's <c>PollingTick</c>): each poll batch becomes one message on the <c>PollingQueue</c> Storage
/// queue in <c>AzureWebJobsStorage</c>, base64-encoded as the queue trigger reads it (host.json
/// <c>extensions.queues.messageEncoding</c>). The queue is created on first use and again if it was deleted. Each send
/// is bounded by <c>Patchbay__StorageTimeoutSeconds</c>; a send that fails fails the tick, whose unsent subscriptions stay
/// due for the next one.
/// </summary>
public sealed class PollQueueSender : IPollBatchSink
{
    private readonly QueueClient _queue;
    private readonly TimeSpan _timeout;
    private int _created;

    public PollQueueSender(StorageClients storage, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _queue = storage.Queues.GetQueueClient(PollingQueue.Name(configuration));
        _timeout = storage.Guard.Timeout;
    }

    /// <summary>The queue's name.</summary>
    public string QueueName => _queue.Name;

    public async ValueTask SendAsync(PollBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        string text = Convert.ToBase64String(Encoding.UTF8.GetBytes(batch.ToText()));
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(_timeout);
        try
        {
            if (Volatile.Read(ref _created) == 0)
            {
                await _queue.CreateIfNotExistsAsync(cancellationToken: bound.Token);
                Volatile.Write(ref _created, 1);
            }

            try
            {
                await _queue.SendMessageAsync(text, bound.Token);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Deleted under the running app: create it again once.
                await _queue.CreateIfNotExistsAsync(cancellationToken: bound.Token);
                await _queue.SendMessageAsync(text, bound.Token);
            }
        }
        catch (OperationCanceledException ex) when (bound.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new StorageUnavailableException(
                $"The queue service did not take a poll batch for queue '{_queue.Name}' within {_timeout.TotalSeconds:0} s (Patchbay__StorageTimeoutSeconds); the tick stops and the next one sends what is still due.", ex);
        }
    }
}
