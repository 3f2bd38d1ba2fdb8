using System.Text.Json;
using System.Text.RegularExpressions;
using Patchbay.Sdk;

namespace Patchbay.Cli.Commands.Validate;

/// <summary>
/// Checks connectors without building them: everything <see cref="ConnectorManifest.Parse"/> checks, plus
/// for a folder README.md, the folder name and handlers against the manifest's actions and triggers.
/// </summary>
/// <remarks>
/// The manifest parser stops at its first error, so a manifest reports at most one error per run; the folder
/// and handler checks still run beside it (handler names are read leniently from the JSON when it parses).
/// </remarks>
internal sealed partial class ValidateCommand(IReadOnlyList<string> paths, bool json, CliConsole console)
{
    private const string ManifestFileName = "config.json";
    private static readonly JsonSerializerOptions s_jsonOutput = Invocation.InvocationSession.IndentedOptions;

    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var problems = new List<ValidationProblem>();
        int checkedCount = 0;
        foreach (string path in paths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // `validate src/Connectors/*` also names src/Connectors/Directory.Build.props: a file is a manifest only as config.json.
            string full = console.Resolve(path);
            if (File.Exists(full) && !string.Equals(Path.GetFileName(full), ManifestFileName, StringComparison.Ordinal))
            {
                await console.Error.WriteLineAsync($"note: skipped {path}: not a connector folder or a {ManifestFileName}");
                continue;
            }

            checkedCount++;
            problems.AddRange(Validate(path));
        }

        if (checkedCount == 0)
        {
            await console.Error.WriteLineAsync($"error: nothing to check: pass connector folders or {ManifestFileName} files");
            return ExitCodes.Failure;
        }

        int errors = problems.Count(p => p.IsError);
        int warnings = problems.Count - errors;
        if (json)
        {
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(problems, s_jsonOutput));
        }
        else
        {
            foreach (ValidationProblem problem in problems) await console.Out.WriteLineAsync(problem.ToString());
            string checkedWhat = checkedCount == 1 ? "1 connector" : $"{checkedCount} connectors";
            await console.Out.WriteLineAsync(errors == 0 && warnings == 0
                ? $"{checkedWhat} checked: no problems"
                : $"{checkedWhat} checked: {Plural(errors, "error")}, {Plural(warnings, "warning")}");
        }

        return errors > 0 ? ExitCodes.Failure : ExitCodes.Success;
    }

    private List<ValidationProblem> Validate(string path)
    {
        string shown = path.Replace('\\', '/').TrimEnd('/');
        if (shown.Length == 0) shown = "/";
        string full = console.Resolve(path);
        if (Directory.Exists(full))
        {
            return ValidateFolder(shown, full);
        }

        if (File.Exists(full))
        {
            return ValidateFile(shown, full);
        }

        return [new(shown, "/", ValidationProblem.Error, "does not exist; pass a connector folder or a config.json file")];
    }

    private static List<ValidationProblem> ValidateFolder(string shown, string full)
    {
        var problems = new List<ValidationProblem>();
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(full));
        if (!FolderNamePattern().IsMatch(name))
        {
            problems.Add(new(shown, "/", ValidationProblem.Error, $"folder name '{name}' is not lowercase-with-hyphens (e.g. my-connector); the folder name is the connector's id in routes and tool names"));
        }

        if (!File.Exists(Path.Combine(full, "README.md")))
        {
            problems.Add(new(shown, "/", ValidationProblem.Error, "README.md is missing: say what the connector does, list its actions and triggers, how to authenticate, and show an example call"));
        }

        string configShown = shown + "/config.json";
        string configFull = Path.Combine(full, "config.json");
        if (!File.Exists(configFull))
        {
            problems.Add(new(configShown, "/", ValidationProblem.Error, "is missing: a connector folder needs a config.json manifest"));
            return problems;
        }

        problems.AddRange(CheckManifest(configShown, configFull, out ManifestOutline outline));
        if (!outline.IsAutohivePython && Directory.EnumerateFiles(full, "*.csproj").Any())
        {
            problems.AddRange(CheckHandlers(configShown, full, outline));
        }

        return problems;
    }

    private static List<ValidationProblem> ValidateFile(string shown, string full)
    {
        var problems = CheckManifest(shown, full, out ManifestOutline outline);
        // A config.json beside a .NET project is checked against its handlers too; an Autohive manifest
        // (entry_point *.py) has Python handlers this tool cannot read, so it is checked as a manifest only.
        string folder = Path.GetDirectoryName(full)!;
        if (!outline.IsAutohivePython && Path.GetFileName(full) == "config.json" && Directory.EnumerateFiles(folder, "*.csproj").Any())
        {
            problems.AddRange(CheckHandlers(shown, folder, outline));
        }

        return problems;
    }

    private static List<ValidationProblem> CheckManifest(string shown, string full, out ManifestOutline outline)
    {
        var problems = new List<ValidationProblem>();
        string text = File.ReadAllText(full);
        try
        {
            ConnectorManifest manifest = ConnectorManifest.Parse(text, shown);
            foreach (ManifestWarning warning in manifest.Warnings)
            {
                problems.Add(new(shown, Pointer(warning.Path), ValidationProblem.Warning, warning.Message));
            }

            outline = new ManifestOutline(true, [.. manifest.Actions.Keys], [.. manifest.PollingTriggers.Keys], manifest.EntryPoint);
        }
        catch (ConfigurationError ex)
        {
            problems.Add(new(shown, Pointer(ex.Path), ValidationProblem.Error, ex.Problem));
            outline = ManifestOutline.Lenient(text);
        }

        return problems;
    }

    private static List<ValidationProblem> CheckHandlers(string configShown, string folder, ManifestOutline outline)
    {
        var problems = new List<ValidationProblem>();
        if (!outline.Known) return problems;

        IReadOnlyList<HandlerDeclaration> handlers = HandlerScanner.Scan(folder);
        Compare(HandlerScanner.Action, "action", "actions", "ActionHandler", outline.Actions);
        Compare(HandlerScanner.PollingTrigger, "polling trigger", "polling_triggers", "PollingTriggerHandler", outline.Triggers);
        return problems;

        void Compare(string kind, string what, string section, string baseClass, IReadOnlyList<string> declared)
        {
            var ofKind = handlers.Where(h => h.Kind == kind).ToList();
            foreach (string name in declared)
            {
                var matching = ofKind.Where(h => h.Name == name).ToList();
                if (matching.Count == 0)
                {
                    problems.Add(new(configShown, $"/{section}/{Escape(name)}", ValidationProblem.Error, $"{what} '{name}' has no handler: add a class deriving from {baseClass} with [{kind}(\"{name}\")]"));
                }
                else if (matching.Count > 1)
                {
                    problems.Add(new(configShown, $"/{section}/{Escape(name)}", ValidationProblem.Error, $"{what} '{name}' has {matching.Count} handlers ({string.Join(", ", matching.Select(h => $"{h.ClassName} in {h.File}"))}); keep one"));
                }
            }

            foreach (HandlerDeclaration handler in ofKind.Where(h => !declared.Contains(h.Name, StringComparer.Ordinal)))
            {
                string known = declared.Count == 0 ? "none" : string.Join(", ", declared);
                problems.Add(new(configShown, "/" + section, ValidationProblem.Error, $"handler {handler.ClassName} ({handler.File}) is registered for {what} '{handler.Name}', which config.json does not declare (declared: {known}); add \"{handler.Name}\" to {section} or fix the [{kind}] name"));
            }
        }
    }

    private static string Pointer(string path) => path.Length == 0 ? "/" : path;

    private static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex FolderNamePattern();

    /// <summary>What handler checks need from a manifest; read leniently when the manifest is invalid.</summary>
    private sealed record ManifestOutline(bool Known, IReadOnlyList<string> Actions, IReadOnlyList<string> Triggers, string? EntryPoint)
    {
        public bool IsAutohivePython => EntryPoint?.EndsWith(".py", StringComparison.OrdinalIgnoreCase) == true;

        public static ManifestOutline Lenient(string text)
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
                JsonElement root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object) return new(false, [], [], null);
                string? entryPoint = root.TryGetProperty("entry_point", out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                return new(true, Keys(root, "actions"), Keys(root, "polling_triggers"), entryPoint);
            }
            catch (JsonException)
            {
                return new(false, [], [], null);
            }
        }

        private static List<string> Keys(JsonElement root, string name) =>
            root.TryGetProperty(name, out JsonElement section) && section.ValueKind == JsonValueKind.Object
                ? [.. section.EnumerateObject().Select(p => p.Name)]
                : [];
    }
}
