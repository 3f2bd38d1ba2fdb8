using Microsoft.Extensions.Logging;

namespace Patchbay.Testing.Functions;

/// <summary>One RpcLog message the worker sent over the gRPC stream (its ILogger output, system and user).</summary>
/// <param name="Level">The log level.</param>
/// <param name="Category">The logger category, e.g. <c>Function.GetItem.User</c>.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="InvocationId">The invocation the log belongs to, or null outside an invocation.</param>
/// <param name="IsSystemLog">True for the worker's own (system) logs, false for user code's.</param>
/// <param name="Exception">The exception's type and message when the log carried one.</param>
public sealed record WorkerLogEntry(LogLevel Level, string Category, string Message, string? InvocationId, bool IsSystemLog, string? Exception)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"[{Level}] {Category}: {Message}{(Exception is null ? string.Empty : " | " + Exception)}";
}

/// <summary>One line the worker process wrote to stdout or stderr.</summary>
/// <param name="IsError">True for stderr.</param>
/// <param name="Text">The line, without its newline.</param>
public sealed record WorkerOutputLine(bool IsError, string Text)
{
    /// <inheritdoc />
    public override string ToString() => (IsError ? "stderr: " : "stdout: ") + Text;
}
