namespace Patchbay.Testing.Functions;

/// <summary>
/// The worker process exited, or closed its gRPC stream, while the double needed it (starting, invoking). Carries the
/// exit code and the last lines the worker wrote, so a test failure says why.
/// </summary>
public sealed class WorkerExitedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkerExitedException()
        : this("The worker process exited.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened.</param>
    public WorkerExitedException(string message)
        : base(message)
    {
        OutputTail = [];
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public WorkerExitedException(string message, Exception innerException)
        : base(message, innerException)
    {
        OutputTail = [];
    }

    internal WorkerExitedException(string message, int? exitCode, IReadOnlyList<string> outputTail)
        : base(message)
    {
        ExitCode = exitCode;
        OutputTail = outputTail;
    }

    /// <summary>The process exit code, or null when the process was still running (the stream closed without it exiting in time).</summary>
    public int? ExitCode { get; }

    /// <summary>The last lines of the worker's stdout/stderr without stack frame lines (at most 40), then its last error logs (at most 10), oldest first.</summary>
    public IReadOnlyList<string> OutputTail { get; }
}
