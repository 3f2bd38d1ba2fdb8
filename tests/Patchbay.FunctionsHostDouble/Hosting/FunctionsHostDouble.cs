using System.Globalization;
using System.Net;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Patchbay.Testing.Functions.Diagnostics;
using Patchbay.Testing.Functions.Functions;
using Patchbay.Testing.Functions.Hosting;
using Patchbay.Testing.Functions.Http;
using Patchbay.Testing.Functions.Queues;
using Patchbay.Testing.Functions.Rpc;
using Patchbay.Testing.Functions.Worker;

namespace Patchbay.Testing.Functions;

/// <summary>
/// A test-only double of the Azure Functions host that runs a real, built .NET isolated worker the way the host
/// does: a FunctionRpc gRPC server on loopback, the worker process started with the host's arguments and
/// environment, StartStream → WorkerInitRequest → FunctionsMetadataRequest (or functions.metadata) →
/// FunctionLoadRequest per function, then InvocationRequests for HTTP calls (proxied to the worker's ASP.NET Core
/// integration) and timer ticks, and WorkerTerminate on dispose. See README.md for what it does not cover.
/// </summary>
public sealed class FunctionsHostDouble : IAsyncDisposable
{
    /// <summary>The host version the double reports in WorkerInitRequest: the host whose behaviour it copies.</summary>
    public const string ModelledHostVersion = "4.1037.0";

    private const string HttpUriCapability = "HttpUri";
    private const string HandlesWorkerTerminateMessage = "HandlesWorkerTerminateMessage";
    private const int OutputTailLines = 40;

    private readonly FunctionsHostDoubleOptions _options;
    private readonly CapturedEntries<WorkerOutputLine> _output;
    private readonly CapturedEntries<WorkerLogEntry> _logs;
    private readonly CapturedEntries<FunctionInvocationResult> _invocations;
    private readonly CapturedEntries<QueueMessageResult> _queueMessages;
    private readonly List<QueueListener> _queueListeners = [];
    private readonly WorkerChannel _channel;
    private readonly string _workerId = Guid.NewGuid().ToString();
    private readonly TaskCompletionSource<int> _workerExited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _grpcServer;
    private WorkerProcess? _process;
    private HttpFrontEnd? _frontEnd;
    private Invoker? _invoker;
    private Dictionary<string, IndexedFunction> _functions = new(StringComparer.OrdinalIgnoreCase);
    private string? _workerGone;
    private int _disposed;

    private FunctionsHostDouble(FunctionsHostDoubleOptions options)
    {
        _options = options;
        _output = new CapturedEntries<WorkerOutputLine>(options.MaxCapturedEntries);
        _logs = new CapturedEntries<WorkerLogEntry>(options.MaxCapturedEntries);
        _invocations = new CapturedEntries<FunctionInvocationResult>(options.MaxCapturedEntries);
        _queueMessages = new CapturedEntries<QueueMessageResult>(options.MaxCapturedEntries);
        _channel = new WorkerChannel(_workerId, log => _logs.Add(ToEntry(log)));
    }

    /// <summary>The front end's address (loopback, a free port): send the functions' HTTP requests here.</summary>
    public Uri BaseAddress => _frontEnd?.BaseAddress ?? throw new InvalidOperationException("The front end is not running: the worker has no HTTP functions or the double failed to start.");

    /// <summary>host.json's <c>extensions.http.routePrefix</c>, or <c>api</c>.</summary>
    public string RoutePrefix { get; private set; } = HostJson.DefaultRoutePrefix;

    /// <summary>Every function the worker loaded.</summary>
    public IReadOnlyList<FunctionDescriptor> Functions => [.. _functions.Values.Select(f => f.Descriptor)];

    /// <summary>The capabilities the worker answered in WorkerInitResponse (e.g. <c>HttpUri</c>).</summary>
    public IReadOnlyDictionary<string, string> WorkerCapabilities { get; private set; } = new Dictionary<string, string>();

    /// <summary>The worker's process id.</summary>
    public int WorkerProcessId => _process?.Id ?? 0;

    /// <summary>Completes with the exit code when the worker process exits (after dispose, or when it crashes).</summary>
    public Task<int> WorkerExited => _workerExited.Task;

    /// <summary>What the worker wrote to stdout and stderr, newest last (at most <see cref="FunctionsHostDoubleOptions.MaxCapturedEntries"/>).</summary>
    public IReadOnlyList<WorkerOutputLine> Output => _output.Snapshot();

    /// <summary>The RpcLog messages the worker sent (its ILogger output), newest last.</summary>
    public IReadOnlyList<WorkerLogEntry> Logs => _logs.Snapshot();

    /// <summary>How each invocation ended, newest last.</summary>
    public IReadOnlyList<FunctionInvocationResult> Invocations => _invocations.Snapshot();

    /// <summary>What the queue listeners did with each message they received (deleted, retried, moved to the poison queue), newest last.</summary>
    public IReadOnlyList<QueueMessageResult> QueueMessages => _queueMessages.Snapshot();

    /// <summary>The host.json queue settings the queue listeners apply (<c>extensions.queues</c> with the extension's defaults).</summary>
    public QueuesOptions? Queues { get; private set; }

    /// <summary>
    /// Starts the worker and waits until every function is loaded and the front end listens. Fails within
    /// <see cref="FunctionsHostDoubleOptions.StartTimeout"/>: <see cref="WorkerExitedException"/> when the worker exits
    /// (with its exit code and last output), <see cref="TimeoutException"/> naming the step that did not finish,
    /// <see cref="InvalidOperationException"/> when the worker refuses init or a function load.
    /// </summary>
    /// <param name="options">Where the worker is, its app settings, and the bounds.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running double; dispose it to stop the worker.</returns>
    public static async Task<FunctionsHostDouble> StartAsync(FunctionsHostDoubleOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var host = new FunctionsHostDouble(options);
        try
        {
            await host.StartCoreAsync(cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A new client for the front end (the caller disposes it).</summary>
    /// <returns>An <see cref="HttpClient"/> whose BaseAddress is <see cref="BaseAddress"/>.</returns>
    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    /// <summary>
    /// Runs a timer function once, as the host's scheduler would: an InvocationRequest with the TimerInfo JSON
    /// (<c>{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":...}</c>).
    /// </summary>
    /// <param name="functionName">The timer function's name.</param>
    /// <param name="isPastDue">The TimerInfo's IsPastDue.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>How the invocation ended; a function that threw gives <see cref="FunctionInvocationStatus.Failed"/>.</returns>
    /// <exception cref="ArgumentException">No timer function has that name.</exception>
    /// <exception cref="WorkerExitedException">The worker exited before or during the invocation.</exception>
    /// <exception cref="TimeoutException">The worker did not answer within <see cref="FunctionsHostDoubleOptions.InvocationTimeout"/>.</exception>
    public async Task<FunctionInvocationResult> InvokeTimerAsync(string functionName, bool isPastDue = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(functionName);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!_functions.TryGetValue(functionName, out IndexedFunction? function) || function.Descriptor.Timer is null)
        {
            string timers = string.Join(", ", _functions.Values.Where(f => f.Descriptor.Timer is not null).Select(f => f.Descriptor.Name));
            throw new ArgumentException($"No timer function named '{functionName}'. Timer functions: {(timers.Length == 0 ? "none" : timers)}.", nameof(functionName));
        }

        if (_workerGone is { } gone)
        {
            throw WorkerExitedError(gone, _workerExited.Task.IsCompleted ? _workerExited.Task.Result : null);
        }

        FunctionInvocationResult result = await _invoker!.InvokeAsync(function, InvocationRequests.Timer(function, Guid.NewGuid().ToString(), isPastDue), cancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            FunctionInvocationStatus.WorkerExited => throw WorkerExitedError(result.Error!.Message, _workerExited.Task.IsCompleted ? _workerExited.Task.Result : null),
            FunctionInvocationStatus.TimedOut => throw new TimeoutException(result.Error!.Message + OutputTail()),
            _ => result,
        };
    }

    /// <summary>
    /// Waits for an RpcLog entry that matches (already captured or still to come), at most
    /// <see cref="FunctionsHostDoubleOptions.InvocationTimeout"/>.
    /// </summary>
    /// <param name="match">What to wait for.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The first matching entry.</returns>
    /// <exception cref="TimeoutException">Nothing matched in time.</exception>
    public Task<WorkerLogEntry> WaitForLogAsync(Func<WorkerLogEntry, bool> match, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        return _logs.WaitForAsync(match, _options.InvocationTimeout, "worker log", cancellationToken);
    }

    /// <summary>
    /// Waits for a queue message result that matches (already recorded or still to come), at most
    /// <see cref="FunctionsHostDoubleOptions.InvocationTimeout"/>: the queue listeners poll the queues on their own, as the host does.
    /// </summary>
    /// <param name="match">What to wait for.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The first matching result.</returns>
    /// <exception cref="TimeoutException">Nothing matched in time.</exception>
    public Task<QueueMessageResult> WaitForQueueMessageAsync(Func<QueueMessageResult, bool> match, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        return _queueMessages.WaitForAsync(match, _options.InvocationTimeout, "queue message result", cancellationToken);
    }

    /// <summary>
    /// A short account of the worker's recent activity for a failing assertion's message: whether it runs, its last
    /// invocations with their errors, its last warning-or-worse logs and its last output lines (10 of each).
    /// </summary>
    /// <returns>Several lines of text.</returns>
    public string Describe()
    {
        const int Last = 10;
        var text = new System.Text.StringBuilder();
        text.AppendLine(_workerGone is null ? $"Worker pid {WorkerProcessId} is running." : _workerGone);
        text.AppendLine("Last invocations:");
        foreach (FunctionInvocationResult invocation in _invocations.Snapshot().TakeLast(Last))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {invocation.FunctionName} {invocation.InvocationId} {invocation.Status} {invocation.Error}");
        }

        text.AppendLine("Last queue messages:");
        foreach (QueueMessageResult message in _queueMessages.Snapshot().TakeLast(Last))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {message}");
        }

        text.AppendLine("Last warning-or-worse logs:");
        foreach (WorkerLogEntry log in _logs.Snapshot().Where(log => log.Level >= LogLevel.Warning).TakeLast(Last))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {log}");
        }

        text.AppendLine("Last output:");
        foreach (string line in OutputTailLinesOf(_output.Snapshot()).TakeLast(Last))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {line}");
        }

        return text.ToString();
    }

    /// <summary>
    /// Stops the front end, sends WorkerTerminate (when the worker handles it) and waits up to
    /// <see cref="FunctionsHostDoubleOptions.ShutdownTimeout"/> for the worker to exit, then kills it; stops the gRPC server.
    /// </summary>
    /// <returns>A task that completes when everything is stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        TimeSpan grace = _options.ShutdownTimeout;
        _workerGone ??= "The double is being disposed.";
        foreach (QueueListener listener in _queueListeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        if (_frontEnd is not null)
        {
            using var stopFrontEnd = new CancellationTokenSource(grace);
            await _frontEnd.StopAsync(stopFrontEnd.Token).ConfigureAwait(false);
            await _frontEnd.DisposeAsync().ConfigureAwait(false);
        }

        if (_process is not null && !_process.Exited.IsCompleted)
        {
            if (WorkerCapabilities.ContainsKey(HandlesWorkerTerminateMessage) && _channel.Connected.IsCompletedSuccessfully)
            {
                using var send = new CancellationTokenSource(grace);
                try
                {
                    await _channel.SendAsync(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(grace) } }, send.Token).ConfigureAwait(false);
                    await _process.Exited.WaitAsync(grace).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or WorkerExitedException)
                {
                    // It did not stop in time (or could not be told): killed below.
                }
            }

            _process.Kill();
            try
            {
                await _process.Exited.WaitAsync(grace).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Killed, but its output pipes did not close in time (a grandchild holds them); nothing more to do.
            }
        }

        await _channel.StopAsync().ConfigureAwait(false);
        if (_grpcServer is not null)
        {
            using var stopServer = new CancellationTokenSource(grace);
            await _grpcServer.StopAsync(stopServer.Token).ConfigureAwait(false);
            await _grpcServer.DisposeAsync().ConfigureAwait(false);
        }

        _process?.Dispose();
        _channel.Dispose();
    }

    private static WorkerLogEntry ToEntry(RpcLog log) => new(
        log.Level switch
        {
            RpcLog.Types.Level.Trace => LogLevel.Trace,
            RpcLog.Types.Level.Debug => LogLevel.Debug,
            RpcLog.Types.Level.Information => LogLevel.Information,
            RpcLog.Types.Level.Warning => LogLevel.Warning,
            RpcLog.Types.Level.Error => LogLevel.Error,
            RpcLog.Types.Level.Critical => LogLevel.Critical,
            _ => LogLevel.None,
        },
        log.Category,
        log.Message,
        string.IsNullOrEmpty(log.InvocationId) ? null : log.InvocationId,
        log.LogCategory == RpcLog.Types.RpcLogCategory.System,
        log.Exception is { } exception ? $"{exception.Type}: {exception.Message}" : null);

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        string workerDirectory = Path.GetFullPath(_options.WorkerDirectory);
        string appDirectory = _options.ResolvedFunctionAppDirectory;
        WorkerConfig config = WorkerConfig.Load(workerDirectory);
        RoutePrefix = HostJson.ReadRoutePrefix(appDirectory);
        var resolver = new AppSettingResolver(_options.AppSettings.AsReadOnly());
        var indexer = new FunctionIndexer(RoutePrefix, resolver);

        // One budget for the whole start; every step below waits within it.
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(_options.StartTimeout);

        Uri hostUri = await StartGrpcServerAsync(budget.Token).ConfigureAwait(false);
        var environment = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["FUNCTIONS_WORKER_DIRECTORY"] = workerDirectory,
            ["FUNCTIONS_APPLICATION_DIRECTORY"] = appDirectory,
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["AzureWebJobsScriptRoot"] = appDirectory,
        };
        foreach ((string name, string? value) in _options.AppSettings)
        {
            environment[name] = value;
        }

        _process = WorkerProcess.Start(
            new WorkerStartInfo(config, workerDirectory, hostUri, _workerId, Guid.NewGuid().ToString(), _options.MaxMessageLength, environment),
            _output);
        _ = WatchWorkerAsync(_process);

        await StepAsync(_channel.Connected, "open the gRPC stream (StartStream)", budget.Token, cancellationToken).ConfigureAwait(false);

        var init = new WorkerInitRequest { HostVersion = ModelledHostVersion, WorkerDirectory = workerDirectory, FunctionAppDirectory = appDirectory };
        StreamingMessage initAnswer = await StepAsync(
            _channel.RequestAsync(new StreamingMessage { WorkerInitRequest = init }, budget.Token), "answer WorkerInitRequest", budget.Token, cancellationToken).ConfigureAwait(false);
        WorkerInitResponse initResponse = initAnswer.WorkerInitResponse;
        EnsureSuccess(initResponse.Result, "WorkerInitRequest");
        WorkerCapabilities = initResponse.Capabilities.ToDictionary(StringComparer.Ordinal);

        bool askWorker = _options.MetadataSource switch
        {
            FunctionMetadataSource.Worker => true,
            FunctionMetadataSource.File => false,
            _ => config.WorkerIndexing,
        };
        IReadOnlyList<IndexedFunction> functions;
        if (askWorker)
        {
            StreamingMessage metadataAnswer = await StepAsync(
                _channel.RequestAsync(new StreamingMessage { FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = appDirectory } }, budget.Token),
                "answer FunctionsMetadataRequest",
                budget.Token,
                cancellationToken).ConfigureAwait(false);
            FunctionMetadataResponse metadata = metadataAnswer.FunctionMetadataResponse;
            EnsureSuccess(metadata.Result, "FunctionsMetadataRequest");
            functions = metadata.UseDefaultMetadataIndexing ? indexer.FromFile(appDirectory) : indexer.FromWorker(metadata.FunctionMetadataResults);
        }
        else
        {
            functions = indexer.FromFile(appDirectory);
        }

        _functions = functions.ToDictionary(f => f.Descriptor.Name, StringComparer.OrdinalIgnoreCase);

        // Send every load, then collect the answers (the worker answers each FunctionLoadRequest on its own).
        Task<FunctionLoadResponse>[] loads = [.. functions.Select(f => _channel.LoadAsync(f.ToLoadRequest(), budget.Token))];
        FunctionLoadResponse[] loaded = await StepAsync(Task.WhenAll(loads), $"load {functions.Count} functions", budget.Token, cancellationToken).ConfigureAwait(false);
        string[] failures = [.. loaded
            .Where(response => response.Result?.Status != StatusResult.Types.Status.Success)
            .Select(response => $"'{functions.First(f => f.Descriptor.FunctionId == response.FunctionId).Descriptor.Name}': {response.Result?.Exception?.Message ?? response.Result?.Result}")];
        if (failures.Length > 0)
        {
            throw new InvalidOperationException($"The worker could not load {failures.Length} function(s): {string.Join("; ", failures)}");
        }

        _invoker = new Invoker(_channel, _options.InvocationTimeout, _invocations);
        StartQueueListeners(functions, appDirectory);
        if (functions.Any(f => f.Descriptor.Http is not null))
        {
            if (!WorkerCapabilities.TryGetValue(HttpUriCapability, out string? httpUri) || !Uri.TryCreate(httpUri, UriKind.Absolute, out Uri? workerHttpUri))
            {
                throw new NotSupportedException(
                    "The worker has HTTP functions but did not advertise the HttpUri capability: the double serves HTTP only through the ASP.NET Core integration " +
                    "(ConfigureFunctionsWebApplication). The built-in HttpRequestData model over gRPC is not covered.");
            }

            await StepAsync(HttpFrontEnd.WaitForWorkerListenerAsync(workerHttpUri, budget.Token), $"listen for HTTP at {workerHttpUri}", budget.Token, cancellationToken).ConfigureAwait(false);
            _frontEnd = await StepAsync(
                HttpFrontEnd.StartAsync(functions, workerHttpUri, WorkerCapabilities, _invoker, () => _workerGone, budget.Token),
                "start the HTTP front end",
                budget.Token,
                cancellationToken).ConfigureAwait(false);
        }
    }

    // One listener per queue-triggered function, on the storage its connection setting names (a connection string).
    private void StartQueueListeners(IReadOnlyList<IndexedFunction> functions, string appDirectory)
    {
        IndexedFunction[] queued = [.. functions.Where(f => f.Descriptor.Queue is not null)];
        if (queued.Length == 0)
        {
            return;
        }

        Queues = HostJson.ReadQueues(appDirectory);
        var services = new Dictionary<string, Azure.Storage.Queues.QueueServiceClient>(StringComparer.OrdinalIgnoreCase);
        foreach (IndexedFunction function in queued)
        {
            string connection = function.Descriptor.Queue!.Connection;
            if (!services.TryGetValue(connection, out Azure.Storage.Queues.QueueServiceClient? service))
            {
                string? value = _options.AppSettings.TryGetValue(connection, out string? setting) ? setting : Environment.GetEnvironmentVariable(connection);
                if (string.IsNullOrWhiteSpace(value))
                {
                    throw new InvalidOperationException(
                        $"Queue function '{function.Descriptor.Name}' uses the connection '{connection}', which is not an app setting. Add \"{connection}\" (a storage connection string, " +
                        "e.g. Azurite's) to FunctionsHostDoubleOptions.AppSettings; identity-based connections are not covered by the double.");
                }

                service = new Azure.Storage.Queues.QueueServiceClient(value, new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.None });
                services[connection] = service;
            }

            var listener = new QueueListener(function, service, Queues, _options.MaxQueuePollingInterval, _invoker!, _queueMessages, () => _workerGone);
            _queueListeners.Add(listener);
            listener.Start();
        }
    }

    private async Task<Uri> StartGrpcServerAsync(CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2)); // HTTP/2 cleartext, as the host's
        builder.Services.AddRouting();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = _options.MaxMessageLength;
            grpc.MaxSendMessageSize = _options.MaxMessageLength;
            grpc.EnableDetailedErrors = true;
        });
        builder.Services.AddSingleton(_channel);
        _grpcServer = builder.Build();
        _grpcServer.MapGrpcService<FunctionRpcService>();
        await _grpcServer.StartAsync(cancellationToken).ConfigureAwait(false);
        return new Uri(_grpcServer.Urls.First().TrimEnd('/') + "/");
    }

    // Reports the worker's end to everything that waits on it: on exit with its code; when the stream closes first,
    // after the process has had ShutdownTimeout to exit.
    private async Task WatchWorkerAsync(WorkerProcess process)
    {
        Task first = await Task.WhenAny(process.Exited, _channel.Closed).ConfigureAwait(false);
        int? exitCode = null;
        if (first == process.Exited || await Task.WhenAny(process.Exited, Task.Delay(_options.ShutdownTimeout)).ConfigureAwait(false) == process.Exited)
        {
            exitCode = await process.Exited.ConfigureAwait(false);
        }

        string reason = exitCode is { } code
            ? $"The worker process (pid {process.Id}) exited with code {code}."
            : $"The worker (pid {process.Id}) closed its gRPC stream and did not exit within {_options.ShutdownTimeout}.";
        _workerGone ??= reason;
        _channel.Fail(WorkerExitedError(reason, exitCode));
        if (exitCode is { } exited)
        {
            _workerExited.TrySetResult(exited);
        }
        else
        {
            _workerExited.TrySetResult(await process.Exited.ConfigureAwait(false));
        }
    }

    private WorkerExitedException WorkerExitedError(string reason, int? exitCode)
    {
        string[] tail = [.. OutputTailLinesOf(_output.Snapshot())
            .Concat(_logs.Snapshot().Where(log => log.Level >= LogLevel.Error).TakeLast(10).Select(log => "log: " + log))];
        return new WorkerExitedException(reason + OutputTail(tail), exitCode, tail);
    }

    private string OutputTail() => OutputTail(OutputTailLinesOf(_output.Snapshot()));

    // The last lines the worker wrote, without stack frame lines ("   at ..."): a crash prints its message and then
    // a hundred frames, and the message is what says why. All lines stay in Output.
    private static string[] OutputTailLinesOf(IReadOnlyList<WorkerOutputLine> output)
    {
        WorkerOutputLine[] messages = [.. output.Where(line => !line.Text.TrimStart().StartsWith("at ", StringComparison.Ordinal))];
        int frames = output.Count - messages.Length;
        string[] tail = [.. messages.TakeLast(OutputTailLines).Select(line => line.ToString())];
        return frames == 0 ? tail : [.. tail, $"({frames} stack frame lines left out; FunctionsHostDouble.Output has them)"];
    }

    private static string OutputTail(string[] lines) =>
        lines.Length == 0 ? " The worker wrote nothing." : $" Last worker output:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";

    private async Task StepAsync(Task step, string what, CancellationToken budget, CancellationToken caller)
    {
        await StepAsync(Completed(step), what, budget, caller).ConfigureAwait(false);

        static async Task<bool> Completed(Task task)
        {
            await task.ConfigureAwait(false);
            return true;
        }
    }

    // One start step: bounded by the start budget, and cut short when the worker exits.
    private async Task<T> StepAsync<T>(Task<T> step, string what, CancellationToken budget, CancellationToken caller)
    {
        Task<T> bounded = step.WaitAsync(budget);
        try
        {
            if (await Task.WhenAny(bounded, _workerExited.Task).ConfigureAwait(false) != bounded)
            {
                throw WorkerExitedError($"The worker process exited with code {_workerExited.Task.Result}.", _workerExited.Task.Result);
            }

            return await bounded.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !caller.IsCancellationRequested)
        {
            throw new TimeoutException(
                string.Create(CultureInfo.InvariantCulture, $"The worker did not {what} within the start timeout ({_options.StartTimeout}, FunctionsHostDoubleOptions.StartTimeout). Worker command: {_process?.CommandLine}.") + OutputTail());
        }
        catch (WorkerExitedException ex)
        {
            throw new WorkerExitedException($"The worker stopped while the double waited for it to {what}. {ex.Message}", ex.ExitCode, ex.OutputTail);
        }
    }

    private void EnsureSuccess(StatusResult? result, string request)
    {
        if (result?.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException(
                $"The worker answered {request} with {result?.Status.ToString() ?? "no result"}: {result?.Exception?.Message ?? result?.Result}." + OutputTail());
        }
    }
}
