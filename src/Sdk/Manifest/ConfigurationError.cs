namespace Patchbay.Sdk;

/// <summary>
/// A connector is wrong as written: its <c>config.json</c>, a schema in it, or its handlers.
/// The message names the file and the JSON path and says what to do.
/// </summary>
public sealed class ConfigurationError : Exception
{
    /// <summary>Creates the error.</summary>
    /// <param name="file">The file (or connector) the problem is in.</param>
    /// <param name="path">A JSON Pointer into the file, e.g. <c>/actions/list_items/input_schema</c>; empty for the whole file.</param>
    /// <param name="problem">What is wrong and what to do.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public ConfigurationError(string file, string path, string problem, Exception? innerException = null)
        : base($"{file}: {(path.Length == 0 ? "/" : path)}: {problem}", innerException)
    {
        File = file;
        Path = path;
        Problem = problem;
    }

    /// <summary>The file (or connector) the problem is in.</summary>
    public string File { get; }

    /// <summary>A JSON Pointer to the offending value; empty for the whole file.</summary>
    public string Path { get; }

    /// <summary>What is wrong and what to do, without the file and path.</summary>
    public string Problem { get; }
}

/// <summary>Something in a manifest that works but should be fixed; for tooling such as <c>patchbay validate</c>.</summary>
/// <param name="Path">A JSON Pointer to the value.</param>
/// <param name="Message">What to change.</param>
public sealed record ManifestWarning(string Path, string Message);
