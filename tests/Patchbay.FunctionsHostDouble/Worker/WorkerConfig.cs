using System.Text.Json;

namespace Patchbay.Testing.Functions.Worker;

/// <summary>
/// worker.config.json in the worker directory: how the host starts the worker
/// (<c>{defaultExecutablePath} {arguments} "{defaultWorkerPath}" {workerArguments} {rpc arguments}</c>) and whether
/// the worker indexes its own functions.
/// </summary>
internal sealed record WorkerConfig(
    string Language,
    string ExecutablePath,
    IReadOnlyList<string> ExecutableArguments,
    string? WorkerPath,
    IReadOnlyList<string> WorkerArguments,
    bool WorkerIndexing)
{
    public const string FileName = "worker.config.json";

    // Placeholder the host replaces in arguments with the worker directory (RpcWorkerConstants.WorkerDirectoryPath).
    private const string WorkerDirectoryPlaceholder = "{workerDirectoryPath}";

    // Placeholder a self-contained .NET worker's defaultExecutablePath starts with.
    private const string WorkerRootToken = "{WorkerRoot}";

    public static WorkerConfig Load(string workerDirectory)
    {
        string path = Path.Combine(workerDirectory, FileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"No {FileName} in '{workerDirectory}'. Point FunctionsHostDoubleOptions.WorkerDirectory at the worker's build output " +
                "(e.g. src/FunctionApp/bin/Release/net10.0) and build the worker project first (the Worker SDK writes worker.config.json there).",
                path);
        }

        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        if (!document.RootElement.TryGetProperty("description", out JsonElement description) || description.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{path} has no \"description\" object; it is not a Functions worker.config.json.");
        }

        string language = GetString(description, "language") ?? string.Empty;
        string executable = GetString(description, "defaultExecutablePath")
            ?? throw new InvalidDataException($"{path}: description.defaultExecutablePath is missing; the double cannot tell how to start the worker.");
        string? workerPath = GetString(description, "defaultWorkerPath");
        bool workerIndexing = string.Equals(GetString(description, "workerIndexing"), "true", StringComparison.OrdinalIgnoreCase)
            || (description.TryGetProperty("workerIndexing", out JsonElement indexing) && indexing.ValueKind == JsonValueKind.True);

        return new WorkerConfig(
            language,
            ResolveExecutable(executable, workerDirectory),
            GetStrings(description, "arguments", workerDirectory),
            workerPath is null ? null : Path.GetFullPath(Path.Combine(workerDirectory, workerPath)),
            GetStrings(description, "workerArguments", workerDirectory),
            workerIndexing);
    }

    private static string ResolveExecutable(string executable, string workerDirectory)
    {
        if (string.Equals(executable, "dotnet", StringComparison.OrdinalIgnoreCase) || string.Equals(executable, "dotnet.exe", StringComparison.OrdinalIgnoreCase))
        {
            // The dotnet CLI tells child processes (the test host among them) which dotnet it is; use the same one.
            string? hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            return !string.IsNullOrEmpty(hostPath) && File.Exists(hostPath) ? hostPath : executable;
        }

        // A self-contained worker: "{WorkerRoot}MyApp", which the FunctionMetadataLoader extension turns into the
        // app's folder plus the executable (.exe on Windows).
        if (executable.StartsWith(WorkerRootToken, StringComparison.OrdinalIgnoreCase))
        {
            string path = Path.Combine(workerDirectory, executable[WorkerRootToken.Length..]);
            return OperatingSystem.IsWindows() && !path.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) ? path + ".exe" : path;
        }

        // A bare name is looked up on PATH, as the host does; a relative path is relative to the worker directory.
        return Path.IsPathRooted(executable) || (!executable.Contains('/', StringComparison.Ordinal) && !executable.Contains('\\', StringComparison.Ordinal))
            ? executable
            : Path.GetFullPath(Path.Combine(workerDirectory, executable));
    }

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string[] GetStrings(JsonElement element, string name, string workerDirectory) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray()
                .Where(item => item.ValueKind == JsonValueKind.String)
                .SelectMany(item => item.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries)) // the host joins them with spaces
                .Select(item => item.Replace(WorkerDirectoryPlaceholder, workerDirectory, StringComparison.Ordinal))]
            : [];
}
