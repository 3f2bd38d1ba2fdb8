namespace Patchbay.Cli;

/// <summary>
/// A mistake the user can fix (a missing file, a bad value): printed as one line, <c>error: message</c>,
/// never with a stack trace.
/// </summary>
internal sealed class CliError(string message) : Exception(message);
