namespace Patchbay.Cli;

/// <summary>Where a command writes and which directory relative paths start from; tests pass their own.</summary>
/// <param name="Out">Results (JSON, tool lists, validation lines).</param>
/// <param name="Error">Errors and progress notes.</param>
/// <param name="WorkingDirectory">The directory relative paths are resolved against.</param>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, string WorkingDirectory)
{
    /// <summary>What a leading <c>~</c> stands for; the user's home unless a test says otherwise.</summary>
    public string HomeDirectory { get; init; } = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>An absolute path for a path the user typed.</summary>
    public string Resolve(string path) => Path.GetFullPath(path, WorkingDirectory);

    /// <summary>
    /// Like <see cref="Resolve"/>, expanding a leading <c>~</c> or <c>~/</c> to <see cref="HomeDirectory"/> first: the shell does not
    /// expand it after <c>@</c> (<c>--auth @~/auth.json</c>), so the CLI does.
    /// </summary>
    public string ResolveExpandingHome(string path) =>
        path == "~" ? HomeDirectory
        : path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~" + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? Path.Combine(HomeDirectory, path[2..])
        : Resolve(path);
}
