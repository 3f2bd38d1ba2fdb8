using System.Text;
using Azure;
using Azure.Storage.Queues;
using Patchbay.Platform.Storage;

namespace Patchbay.Platform.Polling;

/// <summary>
/// The tick's sink under the Functions host (the isolated worker's <c>PollingTick</c>): each poll batch becomes one message on the <c>PollingQueue</c> Storage
/// queue in <c>AzureWebJobsStorage</c>, base64-encoded as the queue trigger reads it (host.json
/// <c>extensions.queues.messageEncoding</c>). The queue is created on first use and again if it was deleted. Each send
/// goes through <see cref="StorageGuard"/> (bounded by <c>Patchbay__StorageTimeoutSeconds</c>, an outage is a
/// <see cref="StorageUnavailableException"/>); a send that fails fails the tick, whose unsent subscriptions stay
/// due for the next one.
/// </summary>
public sealed class PollQueueSender : IPollBatchSink
{
    private readonly QueueClient _queue;
    private readonly StorageGuard _guard;
    private int _created;

    public PollQueueSender(StorageClients storage, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _queue = storage.Queues.GetQueueClient(PollingQueue.Name(configuration));
        _guard = storage.Guard;
    }

    /// <summary>The queue's name.</summary>
    public string QueueName => _queue.Name;

    /// <exception cref="StorageUnavailableException">The queue service could not be reached or did not answer in time.</exception>
    public async ValueTask SendAsync(PollBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        string text = Convert.ToBase64String(Encoding.UTF8.GetBytes(batch.ToText()));
        await _guard.RunAsync(async token =>
        {
            if (Volatile.Read(ref _created) == 0)
            {
                await _queue.CreateIfNotExistsAsync(cancellationToken: token);
                Volatile.Write(ref _created, 1);
            }

            try
            {
                await _queue.SendMessageAsync(text, token);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Deleted under the running app: create it again once.
                await _queue.CreateIfNotExistsAsync(cancellationToken: token);
                await _queue.SendMessageAsync(text, token);
            }

            return true;
        }, cancellationToken);
    }
}
