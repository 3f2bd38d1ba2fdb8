namespace Patchbay.Testing.Functions;

/// <summary>A function the worker loaded, as the double indexed it (from the worker's metadata or functions.metadata).</summary>
public sealed class FunctionDescriptor
{
    internal FunctionDescriptor(string name, string functionId, string entryPoint, string scriptFile, string triggerType, IReadOnlyList<string> rawBindings)
    {
        Name = name;
        FunctionId = functionId;
        EntryPoint = entryPoint;
        ScriptFile = scriptFile;
        TriggerType = triggerType;
        RawBindings = rawBindings;
    }

    /// <summary>The function's name (<c>[Function("Name")]</c>).</summary>
    public string Name { get; }

    /// <summary>The id the load and invocation requests carry (the worker's, or one the double made for functions.metadata).</summary>
    public string FunctionId { get; }

    /// <summary>The method, e.g. <c>MyApp.Functions.GetItem</c>.</summary>
    public string EntryPoint { get; }

    /// <summary>The assembly, relative to the function app directory.</summary>
    public string ScriptFile { get; }

    /// <summary>The trigger binding's type, e.g. <c>httpTrigger</c>, <c>timerTrigger</c>, <c>queueTrigger</c>.</summary>
    public string TriggerType { get; }

    /// <summary>The binding JSON as the metadata carried it.</summary>
    public IReadOnlyList<string> RawBindings { get; }

    /// <summary>The HTTP trigger's settings, or null for other triggers.</summary>
    public HttpTriggerDescriptor? Http { get; internal init; }

    /// <summary>The timer trigger's settings, or null for other triggers.</summary>
    public TimerTriggerDescriptor? Timer { get; internal init; }

    /// <summary>The Storage queue trigger's settings, or null for other triggers.</summary>
    public QueueTriggerDescriptor? Queue { get; internal init; }

    /// <inheritdoc />
    public override string ToString() =>
        Http is not null ? $"{Name} ({string.Join(',', Http.Methods.DefaultIfEmpty("*"))} /{Http.RouteTemplate})"
        : Timer is not null ? $"{Name} (timer '{Timer.Schedule}')"
        : Queue is not null ? $"{Name} (queue '{Queue.QueueName}')"
        : $"{Name} ({TriggerType})";
}

/// <summary>An HTTP trigger as the host routes it.</summary>
/// <param name="BindingName">The trigger parameter's binding name, e.g. <c>req</c>.</param>
/// <param name="Route">The route as declared (<c>Route = ...</c>), or the function name when none was.</param>
/// <param name="RouteTemplate">The route the front end serves: host.json's <c>routePrefix</c> and <see cref="Route"/>, without a leading slash.</param>
/// <param name="Methods">Upper-case HTTP methods; empty means any method.</param>
/// <param name="AuthLevel">The declared authorization level (e.g. <c>Function</c>, <c>Anonymous</c>). Recorded, not enforced: the double checks no keys.</param>
public sealed record HttpTriggerDescriptor(string BindingName, string Route, string RouteTemplate, IReadOnlyList<string> Methods, string AuthLevel);

/// <summary>A timer trigger with its schedule resolved from the app settings.</summary>
/// <param name="BindingName">The trigger parameter's binding name.</param>
/// <param name="ScheduleExpression">The schedule as declared, e.g. <c>%PollingSchedule%</c>.</param>
/// <param name="Schedule">The schedule after <c>%Setting%</c> resolution, validated as an NCRONTAB expression or a TimeSpan.</param>
/// <param name="RunOnStartup">The declared <c>runOnStartup</c> (recorded; the double runs no schedule).</param>
/// <param name="UseMonitor">The declared <c>useMonitor</c> (recorded; the double keeps no schedule status).</param>
public sealed record TimerTriggerDescriptor(string BindingName, string ScheduleExpression, string Schedule, bool RunOnStartup, bool UseMonitor);

/// <summary>A Storage queue trigger with its queue name resolved from the app settings.</summary>
/// <param name="BindingName">The trigger parameter's binding name.</param>
/// <param name="QueueNameExpression">The queue name as declared, e.g. <c>%PollingQueue%</c> or <c>%PollingQueue%-poison</c>.</param>
/// <param name="QueueName">The queue name after <c>%Setting%</c> resolution, checked as a Storage queue name.</param>
/// <param name="Connection">The app setting that holds the storage connection string (the binding's <c>connection</c>, default <c>AzureWebJobsStorage</c>).</param>
public sealed record QueueTriggerDescriptor(string BindingName, string QueueNameExpression, string QueueName, string Connection);
