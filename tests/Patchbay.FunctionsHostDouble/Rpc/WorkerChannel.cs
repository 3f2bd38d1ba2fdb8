using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;

namespace Patchbay.Testing.Functions.Rpc;

/// <summary>
/// The host's end of the worker's one EventStream: a single writer for outgoing messages, a reader that routes each
/// answer to whoever waits for it (by request id, function id or invocation id), and RpcLog messages to a callback.
/// Once the stream ends or <see cref="Fail"/> is called, every pending and later wait fails with that reason.
/// </summary>
internal sealed class WorkerChannel(string workerId, Action<RpcLog> onLog) : IDisposable
{
    // Outgoing messages wait here for the single stream writer; bounded so a stuck worker cannot grow it without end.
    private const int OutboundCapacity = 1024;

    private readonly Channel<StreamingMessage> _outbound = Channel.CreateBounded<StreamingMessage>(
        new BoundedChannelOptions(OutboundCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _byRequestId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<FunctionLoadResponse>> _loads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationResponse>> _invocations = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private int _streams;
    private Exception? _failure;

    /// <summary>Completes when the worker has opened the stream and sent StartStream with its worker id.</summary>
    public Task Connected => _connected.Task;

    /// <summary>Completes when the worker's stream has ended (the worker closed it, or the process died).</summary>
    public Task Closed => _closed.Task;

    /// <summary>Runs one EventStream call for its whole life. The worker opens one; a second one is refused.</summary>
    public async Task RunStreamAsync(IAsyncStreamReader<StreamingMessage> requests, IServerStreamWriter<StreamingMessage> responses, CancellationToken callCancelled)
    {
        if (Interlocked.Increment(ref _streams) != 1)
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.FailedPrecondition, "The host double accepts one EventStream per worker (it does not advertise MultiStream)."));
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(callCancelled, _stopping.Token);
        CancellationToken token = linked.Token;
        try
        {
            if (!await requests.MoveNext(token).ConfigureAwait(false))
            {
                return;
            }

            StreamingMessage first = requests.Current;
            if (first.ContentCase != StreamingMessage.ContentOneofCase.StartStream || first.StartStream.WorkerId != workerId)
            {
                throw new Grpc.Core.RpcException(new Status(StatusCode.InvalidArgument, $"Expected StartStream from worker '{workerId}', got {first.ContentCase} ('{first.StartStream?.WorkerId}')."));
            }

            _connected.TrySetResult();
            Task writing = WriteAllAsync(responses, token);
            while (await requests.MoveNext(token).ConfigureAwait(false))
            {
                Dispatch(requests.Current);
            }

            // The worker ended its side; stop writing too.
            await linked.CancelAsync().ConfigureAwait(false);
            await writing.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The double is shutting down, or the worker went away.
        }
        catch (IOException)
        {
            // The worker's connection broke (the process died); Closed reports it.
        }
        finally
        {
            _closed.TrySetResult();
        }
    }

    /// <summary>Queues a message for the worker; fails when the channel has failed.</summary>
    public async Task SendAsync(StreamingMessage message, CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        await _outbound.Writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a request whose answer carries the same request id (init, metadata) and returns the answer.</summary>
    public Task<StreamingMessage> RequestAsync(StreamingMessage message, CancellationToken cancellationToken)
    {
        message.RequestId = Guid.NewGuid().ToString();
        TaskCompletionSource<StreamingMessage> answer = Register(_byRequestId, message.RequestId);
        return SendThenAwait(message, answer, cancellationToken);
    }

    /// <summary>Sends a FunctionLoadRequest and returns the worker's FunctionLoadResponse for that function id.</summary>
    public Task<FunctionLoadResponse> LoadAsync(FunctionLoadRequest request, CancellationToken cancellationToken)
    {
        TaskCompletionSource<FunctionLoadResponse> answer = Register(_loads, request.FunctionId);
        return SendThenAwait(new StreamingMessage { RequestId = Guid.NewGuid().ToString(), FunctionLoadRequest = request }, answer, cancellationToken);
    }

    /// <summary>Registers for the InvocationResponse of <paramref name="invocationId"/>; call before sending the request.</summary>
    public Task<InvocationResponse> ExpectInvocationResponse(string invocationId) => Register(_invocations, invocationId).Task;

    /// <summary>Forgets an invocation the double stopped waiting for (timed out, caller gone).</summary>
    public void AbandonInvocation(string invocationId) => _invocations.TryRemove(invocationId, out _);

    /// <summary>Fails every pending and later wait with <paramref name="reason"/> (the worker exited or the stream closed).</summary>
    public void Fail(Exception reason)
    {
        Interlocked.CompareExchange(ref _failure, reason, null);
        FailAll(_byRequestId, _failure);
        FailAll(_loads, _failure);
        FailAll(_invocations, _failure);
        _connected.TrySetException(_failure);
    }

    /// <summary>Ends the stream from the host's side: no more messages go out, and the EventStream call returns.</summary>
    public async Task StopAsync()
    {
        _outbound.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();

    private static void FailAll<T>(ConcurrentDictionary<string, TaskCompletionSource<T>> pending, Exception reason)
    {
        foreach (string key in pending.Keys)
        {
            if (pending.TryRemove(key, out TaskCompletionSource<T>? waiter))
            {
                waiter.TrySetException(reason);
            }
        }
    }

    private async Task<T> SendThenAwait<T>(StreamingMessage message, TaskCompletionSource<T> answer, CancellationToken cancellationToken)
    {
        await SendAsync(message, cancellationToken).ConfigureAwait(false);

        // Unbounded here: every caller bounds the wait (start budget, invocation timeout) and watches the process.
        return await answer.Task.ConfigureAwait(false);
    }

    private TaskCompletionSource<T> Register<T>(ConcurrentDictionary<string, TaskCompletionSource<T>> pending, string key)
    {
        var waiter = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!pending.TryAdd(key, waiter))
        {
            throw new InvalidOperationException($"Something already waits for the worker's answer to '{key}'.");
        }

        // Fail() may have run between the caller's check and the registration.
        if (_failure is not null && pending.TryRemove(key, out _))
        {
            waiter.TrySetException(_failure);
        }

        return waiter;
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw _failure;
        }
    }

    private async Task WriteAllAsync(IServerStreamWriter<StreamingMessage> responses, CancellationToken token)
    {
        try
        {
            await foreach (StreamingMessage message in _outbound.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                await responses.WriteAsync(message, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (InvalidOperationException)
        {
            // Writing after the call completed (the worker went away).
        }
    }

    private void Dispatch(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.RpcLog:
                onLog(message.RpcLog);
                break;
            case StreamingMessage.ContentOneofCase.FunctionLoadResponse:
                Complete(_loads, message.FunctionLoadResponse.FunctionId, message.FunctionLoadResponse);
                break;
            case StreamingMessage.ContentOneofCase.InvocationResponse:
                Complete(_invocations, message.InvocationResponse.InvocationId, message.InvocationResponse);
                break;
            case StreamingMessage.ContentOneofCase.WorkerInitResponse:
            case StreamingMessage.ContentOneofCase.FunctionMetadataResponse:
                Complete(_byRequestId, message.RequestId, message);
                break;
            default:
                // Messages the double does not model (or that this trimmed proto does not know) are ignored, as
                // the host ignores what it does not expect.
                break;
        }
    }

    private static void Complete<T>(ConcurrentDictionary<string, TaskCompletionSource<T>> pending, string key, T value)
    {
        if (pending.TryRemove(key, out TaskCompletionSource<T>? waiter))
        {
            waiter.TrySetResult(value);
        }
    }
}
