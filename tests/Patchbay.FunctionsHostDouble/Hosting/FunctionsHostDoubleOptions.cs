namespace Patchbay.Testing.Functions;

/// <summary>Where the worker is and how long the double waits for it. Every wait the double makes is bounded by one of these.</summary>
public sealed class FunctionsHostDoubleOptions
{
    /// <summary>
    /// The worker's build or publish output: the folder that holds <c>worker.config.json</c> (and, for a .NET isolated
    /// worker, <c>functions.metadata</c>, <c>host.json</c> and the worker assembly). Required.
    /// </summary>
    public string WorkerDirectory { get; set; } = string.Empty;

    /// <summary>
    /// The function app's root (<c>host.json</c>, <c>functions.metadata</c>); the host's script root. Defaults to
    /// <see cref="WorkerDirectory"/>, as in a built or published .NET isolated app.
    /// </summary>
    public string? FunctionAppDirectory { get; set; }

    /// <summary>
    /// App settings: handed to the worker as environment variables (as the host does), and used to resolve
    /// <c>%Name%</c> in trigger settings such as a timer's schedule. A null value removes a variable the test
    /// process has from the worker's environment.
    /// </summary>
    public IDictionary<string, string?> AppSettings { get; } = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Where the function list comes from. <see cref="FunctionMetadataSource.Auto"/> follows worker.config.json's <c>workerIndexing</c>.</summary>
    public FunctionMetadataSource MetadataSource { get; set; } = FunctionMetadataSource.Auto;

    /// <summary>
    /// The whole start (process start, StartStream, init, metadata, every function load, front end) must finish
    /// within this; else <see cref="FunctionsHostDouble.StartAsync"/> fails with a <see cref="TimeoutException"/> naming the step.
    /// Default 60 s. Bounds: 1 s to 10 min.
    /// </summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// One invocation (HTTP or timer) must be answered within this, else the HTTP caller gets 504 and
    /// <c>InvokeTimerAsync</c> throws <see cref="TimeoutException"/>; <c>WaitForLogAsync</c> waits at most this long too.
    /// Stands in for host.json's <c>functionTimeout</c>, which the double does not read. Default 60 s. Bounds: 1 s to 10 min.
    /// </summary>
    public TimeSpan InvocationTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// On dispose: the grace period sent in WorkerTerminate and waited for the worker to exit before it is killed;
    /// also how long a closed gRPC stream waits for the process to exit. Default 10 s. Bounds: 1 s to 2 min.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Largest gRPC message either side accepts; passed to the worker as <c>--functions-grpc-max-message-length</c>.
    /// The real host uses int.MaxValue; the double defaults to 64 MiB. Bounds: 1 MiB to int.MaxValue.
    /// </summary>
    public int MaxMessageLength { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// The longest wait between two polls of an empty queue for a queue trigger: host.json's
    /// <c>extensions.queues.maxPollingInterval</c> when that is shorter. Default 1 s (the host's default is 1 min; tests
    /// should not wait that long for a message). Bounds: 100 ms to 1 min.
    /// </summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many entries each capture keeps (worker output lines, RpcLog entries, invocation results, queue messages); the oldest are
    /// dropped first. Default 10,000. Bounds: 100 to 1,000,000.
    /// </summary>
    public int MaxCapturedEntries { get; set; } = 10_000;

    internal string ResolvedFunctionAppDirectory => Path.GetFullPath(FunctionAppDirectory ?? WorkerDirectory);

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(WorkerDirectory))
        {
            throw new ArgumentException("FunctionsHostDoubleOptions.WorkerDirectory is required: the worker's build output folder (it holds worker.config.json).", nameof(WorkerDirectory));
        }

        CheckRange(StartTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), nameof(StartTimeout));
        CheckRange(InvocationTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), nameof(InvocationTimeout));
        CheckRange(ShutdownTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2), nameof(ShutdownTimeout));
        CheckRange(MaxQueuePollingInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1), nameof(MaxQueuePollingInterval));
        if (MaxMessageLength < 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMessageLength), MaxMessageLength, "MaxMessageLength must be at least 1 MiB.");
        }

        if (MaxCapturedEntries is < 100 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCapturedEntries), MaxCapturedEntries, "MaxCapturedEntries must be between 100 and 1,000,000.");
        }
    }

    private static void CheckRange(TimeSpan value, TimeSpan min, TimeSpan max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between {min} and {max}.");
        }
    }
}

/// <summary>Where the double gets the function list from.</summary>
public enum FunctionMetadataSource
{
    /// <summary>Ask the worker (FunctionsMetadataRequest) when worker.config.json says <c>"workerIndexing": "true"</c>, else read functions.metadata.</summary>
    Auto,

    /// <summary>Ask the worker; if it answers <c>use_default_metadata_indexing</c>, read functions.metadata as the host does.</summary>
    Worker,

    /// <summary>Read functions.metadata from the function app directory (the host's own indexing), never ask the worker.</summary>
    File,
}
