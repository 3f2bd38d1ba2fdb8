namespace Patchbay.Testing.Functions;

/// <summary>How one invocation ended, as the worker's InvocationResponse (or the double) said.</summary>
/// <param name="FunctionName">The function's name.</param>
/// <param name="InvocationId">The invocation id the double sent (and, for HTTP, the <c>x-ms-invocation-id</c> header).</param>
/// <param name="Status">How it ended.</param>
/// <param name="Error">What went wrong when it did not succeed: the worker's exception, or the double's reason.</param>
public sealed record FunctionInvocationResult(string FunctionName, string InvocationId, FunctionInvocationStatus Status, InvocationError? Error)
{
    /// <summary>True when the worker answered Success.</summary>
    public bool Succeeded => Status == FunctionInvocationStatus.Succeeded;

    /// <summary>Throws <see cref="InvalidOperationException"/> with the worker's exception when the invocation did not succeed.</summary>
    /// <returns>This result, for chaining.</returns>
    public FunctionInvocationResult EnsureSucceeded() =>
        Succeeded
            ? this
            : throw new InvalidOperationException($"Function '{FunctionName}' (invocation {InvocationId}) ended {Status}: {Error}");
}

/// <summary>How an invocation ended.</summary>
public enum FunctionInvocationStatus
{
    /// <summary>The worker answered Success.</summary>
    Succeeded,

    /// <summary>The worker answered Failure (the function threw, or binding failed).</summary>
    Failed,

    /// <summary>The worker answered Cancelled.</summary>
    Cancelled,

    /// <summary>The worker did not answer within <see cref="FunctionsHostDoubleOptions.InvocationTimeout"/>.</summary>
    TimedOut,

    /// <summary>The worker process exited (or closed the gRPC stream) before answering.</summary>
    WorkerExited,
}

/// <summary>An exception as the worker reported it (RpcException), or the double's own reason.</summary>
/// <param name="Type">The exception type, e.g. <c>System.InvalidOperationException</c>; empty when unknown.</param>
/// <param name="Message">The message.</param>
/// <param name="StackTrace">The stack trace, when the worker sent one.</param>
public sealed record InvocationError(string Type, string Message, string? StackTrace)
{
    /// <inheritdoc />
    public override string ToString() => string.IsNullOrEmpty(Type) ? Message : $"{Type}: {Message}";
}
