using System.Text;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Patchbay.Testing.Functions.Diagnostics;
using Patchbay.Testing.Functions.Functions;
using Patchbay.Testing.Functions.Hosting;

namespace Patchbay.Testing.Functions.Queues;

/// <summary>
/// One queue-triggered function's listener, as the Storage Queues extension (5.x) runs it: polls the queue (backing off
/// from 100 ms, doubling, to the polling bound while it is empty), receives up to <c>batchSize</c> messages at a time
/// with a 10-minute lease, runs each as an invocation, and fetches again once no more than <c>newBatchThreshold</c> are
/// still running. A message whose invocation succeeds is deleted; one that fails is made visible again after
/// <c>visibilityTimeout</c>, until its <c>maxDequeueCount</c>-th attempt fails: then it is copied to
/// <c>{queue}-poison</c> and deleted. A message already received more than <c>maxDequeueCount</c> times, or whose text is
/// not valid base64 (with <c>messageEncoding: base64</c>), goes to the poison queue without an invocation.
/// </summary>
internal sealed class QueueListener : IAsyncDisposable
{
    /// <summary>How long a received message stays invisible to other receivers (the extension's lease; invocations are bounded below it).</summary>
    public static readonly TimeSpan MessageLease = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    private readonly IndexedFunction _function;
    private readonly QueueClient _queue;
    private readonly QueueClient _poison;
    private readonly QueuesOptions _options;
    private readonly TimeSpan _maxPollingInterval;
    private readonly Invoker _invoker;
    private readonly CapturedEntries<QueueMessageResult> _results;
    private readonly Func<string?> _workerGone;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public QueueListener(IndexedFunction function, QueueServiceClient service, QueuesOptions options, TimeSpan maxPollingInterval, Invoker invoker,
        CapturedEntries<QueueMessageResult> results, Func<string?> workerGone)
    {
        _function = function;
        QueueTriggerDescriptor queue = function.Descriptor.Queue!;
        _queue = service.GetQueueClient(queue.QueueName);
        _poison = service.GetQueueClient(queue.QueueName + QueueNames.PoisonSuffix);
        _options = options;
        _maxPollingInterval = maxPollingInterval < options.MaxPollingInterval ? maxPollingInterval : options.MaxPollingInterval;
        _invoker = invoker;
        _results = results;
        _workerGone = workerGone;
    }

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        TimeSpan wait = MinPollingInterval;
        var running = new List<Task>();
        while (!stopping.IsCancellationRequested && _workerGone() is null)
        {
            running.RemoveAll(task => task.IsCompleted);
            if (running.Count > _options.NewBatchThreshold)
            {
                await Task.WhenAny(running).ConfigureAwait(false);
                continue;
            }

            QueueMessage[] messages;
            try
            {
                messages = (await _queue.ReceiveMessagesAsync(_options.BatchSize, MessageLease, stopping).ConfigureAwait(false)).Value;
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                // Stopped during a receive: the Azure SDK may report it as a failed retry (an AggregateException holding
                // the last attempt's error and the cancellation) rather than as a cancellation. Either way, stop.
                break;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // The queue does not exist yet: the extension treats it as empty.
                messages = [];
            }
            catch (Exception ex) when ((ex is RequestFailedException or AggregateException or HttpRequestException) && !stopping.IsCancellationRequested)
            {
                // Storage unreachable: the extension logs it and polls again after its back-off.
                messages = [];
            }

            if (messages.Length == 0)
            {
                await Task.Delay(wait, stopping).ConfigureAwait(false);
                wait = wait * 2 > _maxPollingInterval ? _maxPollingInterval : wait * 2;
                continue;
            }

            wait = MinPollingInterval;
            running.AddRange(messages.Select(message => Task.Run(() => ProcessAsync(message, stopping), CancellationToken.None)));
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken stopping)
    {
        string name = _function.Descriptor.Name;
        string? text = Decode(message.Body);
        if (message.DequeueCount > _options.MaxDequeueCount || text is null)
        {
            string reason = text is null
                ? "The message text is not valid base64 (host.json extensions.queues.messageEncoding is base64)."
                : $"The message was received {message.DequeueCount} times, more than maxDequeueCount ({_options.MaxDequeueCount}).";
            try
            {
                await MoveToPoisonAsync(message, stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException || stopping.IsCancellationRequested)
            {
                _results.Add(new QueueMessageResult(name, _queue.Name, message.MessageId, message.DequeueCount, text, QueueMessageOutcome.Abandoned, null, "The double stopped before the message was moved."));
                return;
            }

            _results.Add(new QueueMessageResult(name, _queue.Name, message.MessageId, message.DequeueCount, text, QueueMessageOutcome.MovedToPoison, null, reason));
            return;
        }

        string invocationId = Guid.NewGuid().ToString();
        FunctionInvocationResult result;
        try
        {
            result = await _invoker.InvokeAsync(_function, InvocationRequests.Queue(_function, invocationId, message, text), stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _results.Add(new QueueMessageResult(name, _queue.Name, message.MessageId, message.DequeueCount, text, QueueMessageOutcome.Abandoned, invocationId, "The double stopped during the invocation."));
            return;
        }

        try
        {
            if (result.Succeeded)
            {
                await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, stopping).ConfigureAwait(false);
                _results.Add(new QueueMessageResult(name, _queue.Name, message.MessageId, message.DequeueCount, text, QueueMessageOutcome.Deleted, invocationId, null));
            }
            else if (result.Status is FunctionInvocationStatus.WorkerExited)
            {
                _results.Add(new QueueMessageResult(name, _queue.Name, message.MessageId, message.DequeueCount, text, QueueMessageOutcome.Abandoned, invocationId, result.Error?.ToString()));
            }
            else if (message.DequeueCount >= _options.MaxDequeueCount)
            {
                await MoveToPoisonAsync(message, stopping).ConfigureAwait(false);
                _results.Add(new QueueMessageResult(name, _queue.Name, message.MessageId, message.DequeueCount, text, QueueMessageOutcome.MovedToPoison, invocationId, result.Error?.ToString()));
            }
            else
            {
                await _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: _options.VisibilityTimeout, cancellationToken: stopping).ConfigureAwait(false);
                _results.Add(new QueueMessageResult(name, _queue.Name, message.MessageId, message.DequeueCount, text, QueueMessageOutcome.Retried, invocationId, result.Error?.ToString()));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException || stopping.IsCancellationRequested)
        {
            // Stopped while settling (the Azure SDK may report that as a failed retry rather than a cancellation).
            _results.Add(new QueueMessageResult(name, _queue.Name, message.MessageId, message.DequeueCount, text, QueueMessageOutcome.Abandoned, invocationId, "The double stopped before the message was settled."));
        }
    }

    // The extension copies the message as it is stored (same text, same encoding) and then deletes the original.
    private async Task MoveToPoisonAsync(QueueMessage message, CancellationToken stopping)
    {
        await _poison.CreateIfNotExistsAsync(cancellationToken: stopping).ConfigureAwait(false);
        await _poison.SendMessageAsync(message.Body, cancellationToken: stopping).ConfigureAwait(false);
        await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, stopping).ConfigureAwait(false);
    }

    private string? Decode(BinaryData body)
    {
        string stored = body.ToString();
        if (!_options.Base64)
        {
            return stored;
        }

        byte[] bytes = new byte[stored.Length];
        if (!Convert.TryFromBase64String(stored, bytes, out int written))
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
