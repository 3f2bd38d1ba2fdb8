using System.Diagnostics;
using Patchbay.Platform.Hosting;
using Patchbay.Platform.Polling;

namespace Patchbay.Server.Polling;

/// <summary>
/// Runs the poll batches of <see cref="PollChannel"/> as the isolated worker's <c>PollingBatch</c> queue trigger runs the
/// <c>PollingQueue</c> messages: <see cref="MaxConcurrentBatches"/> at once, each under its own invocation id, log scope
/// and span, through <see cref="Poller.RunBatchAsync"/> (which polls at most <c>Patchbay__PollingConcurrency</c>
/// subscriptions at once in the process).
/// </summary>
public sealed class PollBatchConsumer(PollChannel channel, Poller poller, ILogger<PollBatchConsumer> logger) : BackgroundService
{
    /// <summary>Batches run at once: enough that the poller's slots stay busy while one batch finishes its last subscriptions.</summary>
    public const int MaxConcurrentBatches = 4;

    /// <summary>The span name of one batch's run (the isolated worker's queue-triggered function has the same name).</summary>
    public const string SpanName = "PollingBatch";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Parallel.ForEachAsync(
                channel.Reader.ReadAllAsync(stoppingToken),
                new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentBatches, CancellationToken = stoppingToken },
                RunAsync);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what was not run is still due in the index for the next start.
        }
    }

    private async ValueTask RunAsync(PollWork work, CancellationToken cancellationToken)
    {
        string invocationId = InvocationIds.New();
        using Activity? activity = PatchbayTelemetry.StartInvocation(SpanName, invocationId, isTimer: true);
        activity?.SetTag(PatchbayTelemetry.Attributes.Trigger, "pubsub");
        using IDisposable? scope = logger.BeginScope(new LogScope(KeyValuePair.Create("InvocationId", (object?)invocationId)));
        try
        {
            work.Done.TrySetResult(await poller.RunBatchAsync(work.Batch, cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            work.Done.TrySetCanceled(cancellationToken);
            throw;
        }
        catch (Exception ex)
        {
            // RunBatchAsync contains each subscription's failure; this is a bug or the process failing. Logged, and the
            // subscriptions stay due in the index, so the next tick takes them again.
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            logger.LogError(ex, "Poll batch {Batch} failed; its subscriptions stay due for the next tick", work.Batch);
            work.Done.TrySetException(ex);
        }
    }
}
