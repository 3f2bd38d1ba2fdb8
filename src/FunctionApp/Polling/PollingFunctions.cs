using Patchbay.Platform.Polling;

namespace Patchbay.FunctionApp.Polling;

/// <summary>
/// The polling tick on <c>PollingSchedule</c>, which the Functions host resolves from app settings and runs on one
/// instance at a time (its storage lock). The poller's state makes repeated or collapsed ticks harmless.
/// </summary>
public sealed class PollingFunctions(Poller poller, ILogger<PollingFunctions> logger)
{
    [Function(PollingSchedule.FunctionName)]
    public async Task PollingTick([TimerTrigger(PollingSchedule.TimerSchedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (timer.IsPastDue)
        {
            logger.LogInformation("The timer is past due (missed ticks collapse into this one); subscriptions are due by their own state, so nothing is lost");
        }

        // The occurrence this tick stands for keeps due times on the schedule's grid; ScheduleStatus is null when the host has no record yet.
        PollingTickResult result = timer.ScheduleStatus is { } status
            ? await poller.RunTickAsync(new DateTimeOffset(DateTime.SpecifyKind(status.Next, DateTimeKind.Utc)), cancellationToken)
            : await poller.RunTickAsync(cancellationToken);
        logger.LogInformation("Polling tick done: {Summary}", result.Summary);
    }
}
