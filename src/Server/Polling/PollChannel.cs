using System.Threading.Channels;
using Patchbay.Platform.Polling;

namespace Patchbay.Server.Polling;

/// <summary>
/// The standalone host's stand-in for the <c>PollingQueue</c> Storage queue: a bounded in-process channel of poll
/// batches that <see cref="PollingScheduler"/>'s ticks write and <see cref="PollBatchConsumer"/> runs through the same
/// <see cref="Poller.RunBatchAsync"/> the isolated worker's queue trigger calls. At most <see cref="Capacity"/> batches
/// wait; a tick that finds it full waits for room (nothing is dropped). One process, so no delivery is repeated, and
/// what a stopped process held is still due in the index for the next start.
/// </summary>
public sealed class PollChannel
{
    /// <summary>Batches waiting at most (2,048 subscriptions); a tick writes at most 313 (10,000 subscriptions), so it waits on the consumer only for the rest.</summary>
    public const int Capacity = 64;

    private readonly Channel<PollWork> _channel = Channel.CreateBounded<PollWork>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleWriter = false,
        SingleReader = false,
    });

    /// <summary>What the consumer reads.</summary>
    public ChannelReader<PollWork> Reader => _channel.Reader;

    /// <summary>Writes <paramref name="batch"/>, waiting while the channel is full; the task returned completes when the consumer has run it.</summary>
    public async ValueTask<Task<PollingTickResult>> WriteAsync(PollBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var work = new PollWork(batch, new TaskCompletionSource<PollingTickResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _channel.Writer.WriteAsync(work, cancellationToken);
        return work.Done.Task;
    }
}

/// <summary>One batch in the channel, and what its run came to.</summary>
public sealed record PollWork(PollBatch Batch, TaskCompletionSource<PollingTickResult> Done);
