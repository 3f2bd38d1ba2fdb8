using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Patchbay.FunctionsHostDouble.SampleWorker;

/// <summary>A Storage queue trigger whose queue name is an app setting, on its own connection setting, as Patchbay's PollingBatch is.</summary>
public sealed class QueueFunctions(ILogger<QueueFunctions> logger)
{
    /// <summary>Logs the message and the trigger metadata the host handed it; a message starting with "fail" throws (so the host retries it).</summary>
    [Function("Work")]
    public void Work([QueueTrigger("%SampleQueue%", Connection = "SampleStorage")] string message, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        IReadOnlyDictionary<string, object?> data = context.BindingContext.BindingData;
        logger.LogInformation("Work ran: message={Message} id={Id} dequeueCount={DequeueCount} queueTrigger={QueueTrigger} hasInsertionTime={HasInsertionTime}",
            message, data.GetValueOrDefault("Id"), data.GetValueOrDefault("DequeueCount"), data.GetValueOrDefault("QueueTrigger"), data.ContainsKey("InsertionTime"));
        if (message.StartsWith("fail", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Work was asked to fail: {message}");
        }
    }
}
