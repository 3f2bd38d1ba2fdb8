namespace Patchbay.Cli;

/// <summary>Where a command writes and which directory relative paths start from; tests pass their own.</summary>
/// <param name="Out">Results (JSON, tool lists, validation lines).</param>
/// <param name="Error">Errors and progress notes.</param>
/// <param name="WorkingDirectory">The directory relative paths are resolved against.</param>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, string WorkingDirectory)
{
    /// <summary>An absolute path for a path the user typed.</summary>
    public string Resolve(string path) => Path.GetFullPath(path, WorkingDirectory);
}
