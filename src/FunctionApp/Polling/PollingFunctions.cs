using Patchbay.Platform.Polling;

namespace Patchbay.FunctionApp.Polling;

/// <summary>
/// Polling under the Functions host, in two steps so that the host spreads the work over instances:
/// <c>PollingTick</c> (a timer on <c>PollingSchedule</c>, one instance at a time through the host's storage lock) reads
/// the due index and writes the due subscriptions, 32 to a message, to the <c>PollingQueue</c> Storage queue;
/// <c>PollingBatch</c> (a queue trigger, on every instance) claims, polls and delivers the subscriptions of one message.
/// Delivery of a message is at least once: a repeated or late message changes nothing (the claim stays the guard, a
/// subscription no longer due is left alone). A message that cannot be read is logged and dropped; one that keeps
/// failing goes to <c>{PollingQueue}-poison</c> after host.json's <c>maxDequeueCount</c>, where <c>PollingBatchPoison</c>
/// logs and drops it (its subscriptions are still due in the index, so the next tick sends them again).
/// </summary>
public sealed class PollingFunctions(Poller poller, PollQueueSender queue, ILogger<PollingFunctions> logger)
{
    /// <summary>The queue-triggered function that runs one poll batch.</summary>
    public const string BatchFunctionName = "PollingBatch";

    /// <summary>The function that logs and drops what the host moved to the poison queue.</summary>
    public const string PoisonFunctionName = "PollingBatchPoison";

    [Function(PollingSchedule.FunctionName)]
    public async Task PollingTick([TimerTrigger(PollingSchedule.TimerSchedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (timer.IsPastDue)
        {
            logger.LogInformation("The timer is past due (missed ticks collapse into this one); subscriptions are due by their own state, so nothing is lost");
        }

        // The occurrence this tick stands for keeps due times on the schedule's grid; ScheduleStatus is null when the host has no record yet.
        DateTimeOffset? scheduledAt = timer.ScheduleStatus is { } status ? new DateTimeOffset(DateTime.SpecifyKind(status.Next, DateTimeKind.Utc)) : null;
        PollDispatchResult result = await poller.DispatchTickAsync(scheduledAt, queue, cancellationToken);
        logger.LogInformation("Polling tick {TickId} sent {Due} due subscriptions in {Batches} messages to queue {Queue} in {ElapsedMs:0} ms",
            result.TickId, result.Due, result.Batches, queue.QueueName, result.Elapsed.TotalMilliseconds);
    }

    [Function(BatchFunctionName)]
    public async Task PollingBatch([QueueTrigger(PollingQueue.TriggerQueue)] string message, FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        string messageId = BindingText(context, "Id");
        string dequeueCount = BindingText(context, "DequeueCount");
        if (!PollBatch.TryParse(message, out PollBatch? batch, out string? problem))
        {
            // Retrying cannot make it readable: dropped now (the function succeeds, so the host deletes it).
            logger.LogError("Dropped poll message {MessageId} (attempt {DequeueCount}): {Problem} Due subscriptions stay in the due index, so the next tick sends them again",
                messageId, dequeueCount, problem);
            return;
        }

        // Throws only when cancelled (the host is stopping): the message becomes visible again and another instance runs it.
        PollingTickResult result = await poller.RunBatchAsync(batch!, cancellationToken);
        logger.LogInformation("Poll message {MessageId} of tick {TickId} (attempt {DequeueCount}) done: {Summary}", messageId, batch!.TickId, dequeueCount, result.Summary);
    }

    [Function(PoisonFunctionName)]
    public void PollingBatchPoison([QueueTrigger(PollingQueue.PoisonTriggerQueue)] string message, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string tick = PollBatch.TryParse(message, out PollBatch? batch, out _) ? $"tick {batch!.TickId}, {batch.Entries.Count} due entries" : "unreadable";
        logger.LogError("Dropped poll message {MessageId} ({Message}) from the poison queue: it failed every attempt. Its subscriptions stay in the due index, so the next tick sends them again",
            BindingText(context, "Id"), tick);
    }

    // The queue trigger's binding data (Id, DequeueCount, InsertionTime, ...), as the host sends it.
    private static string BindingText(FunctionContext context, string name) =>
        context.BindingContext.BindingData.TryGetValue(name, out object? value) && value is not null ? value.ToString() ?? "?" : "?";
}
