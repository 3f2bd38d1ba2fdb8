using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Patchbay.Testing.Functions.Diagnostics;

namespace Patchbay.Testing.Functions.Worker;

/// <summary>
/// The worker process, started the way the host's RpcWorkerProcess does: worker.config.json's command line plus the
/// rpc arguments, the worker directory as working directory, the host's environment plus the app settings.
/// stdout and stderr are captured line by line.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;

    private WorkerProcess(Process process, Task<int> exited)
    {
        _process = process;
        Exited = exited;
    }

    /// <summary>Completes with the exit code once the process has exited and its output has been read to the end.</summary>
    public Task<int> Exited { get; }

    public int Id => _process.Id;

    public string CommandLine { get; private init; } = string.Empty;

    public static WorkerProcess Start(WorkerStartInfo info, CapturedEntries<WorkerOutputLine> output)
    {
        var start = new ProcessStartInfo(info.Config.ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
            WorkingDirectory = info.WorkerDirectory,
        };
        foreach (string argument in info.Config.ExecutableArguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (info.Config.WorkerPath is not null)
        {
            start.ArgumentList.Add(info.Config.WorkerPath);
        }

        foreach (string argument in info.Config.WorkerArguments)
        {
            start.ArgumentList.Add(argument);
        }

        // RpcWorkerContext.GetFormattedArguments: the legacy switches, then the --functions-* ones.
        string maxLength = info.MaxMessageLength.ToString(CultureInfo.InvariantCulture);
        string port = info.HostUri.Port.ToString(CultureInfo.InvariantCulture);
        string[] rpcArguments =
        [
            "--host", info.HostUri.Host, "--port", port, "--workerId", info.WorkerId, "--requestId", info.RequestId,
            "--grpcMaxMessageLength", maxLength,
            "--functions-uri", info.HostUri.AbsoluteUri, "--functions-worker-id", info.WorkerId,
            "--functions-request-id", info.RequestId, "--functions-grpc-max-message-length", maxLength,
        ];
        foreach (string argument in rpcArguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string? value) in info.Environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Add(new WorkerOutputLine(false, e.Data));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Add(new WorkerOutputLine(true, e.Data));
            }
        };

        string commandLine = start.FileName + " " + string.Join(' ', start.ArgumentList);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException(
                $"Could not start the worker: {commandLine} ({ex.Message}). worker.config.json's defaultExecutablePath must be on PATH or a file in the worker directory.",
                ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerProcess(process, WaitForExitAsync(process)) { CommandLine = commandLine };
    }

    /// <summary>Kills the process and everything it started; does nothing when it has already exited.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static async Task<int> WaitForExitAsync(Process process)
    {
        // Waits for the exit and for stdout/stderr to reach their end, so the captured output is complete.
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        return process.ExitCode;
    }
}

/// <summary>What <see cref="WorkerProcess.Start"/> needs.</summary>
internal sealed record WorkerStartInfo(
    WorkerConfig Config,
    string WorkerDirectory,
    Uri HostUri,
    string WorkerId,
    string RequestId,
    int MaxMessageLength,
    IReadOnlyDictionary<string, string?> Environment);
