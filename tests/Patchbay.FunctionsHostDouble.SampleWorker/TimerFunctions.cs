using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Patchbay.FunctionsHostDouble.SampleWorker;

/// <summary>A timer function whose schedule is an app setting, as Patchbay's PollingTick is.</summary>
public sealed class TimerFunctions(ILogger<TimerFunctions> logger)
{
    /// <summary>Logs what the host handed it, so a test can see the TimerInfo arrive intact.</summary>
    [Function("Tick")]
    public void Tick([TimerTrigger("%Schedule%")] TimerInfo timer)
    {
        ArgumentNullException.ThrowIfNull(timer);
        logger.LogInformation(
            "Tick ran: IsPastDue={IsPastDue}, AdjustForDST={AdjustForDst}, SampleSetting={SampleSetting}",
            timer.IsPastDue, timer.ScheduleStatus is null ? "null-status" : "status", Environment.GetEnvironmentVariable("SampleSetting"));
        if (Environment.GetEnvironmentVariable("SampleTickFails") == "true")
        {
            throw new InvalidOperationException("Tick was configured to fail (SampleTickFails=true).");
        }
    }
}
