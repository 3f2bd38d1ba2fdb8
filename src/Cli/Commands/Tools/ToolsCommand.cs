using Patchbay.Sdk;

namespace Patchbay.Cli.Commands.Tools;

/// <summary>Loads the manifests and prints <see cref="ToolSchemas.ToJson"/> of their actions.</summary>
internal sealed class ToolsCommand(IReadOnlyList<string> paths, string format, string? tags, CliConsole console)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var manifests = new List<ConnectorManifest>();
        foreach (string path in paths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            manifests.Add(LoadManifest(path));
        }

        string[] tagList = (tags ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        IReadOnlyList<ToolDefinition> tools = ToolSchemas.Create(manifests, ParseFormat(format), tags: tagList);
        // Re-indented with relaxed escaping so descriptions read as written (ToJson escapes quotes as \u0027).
        await console.Out.WriteLineAsync(Invocation.InvocationSession.Indent(ToolSchemas.ToJson(tools)));
        return ExitCodes.Success;
    }

    internal static ToolFormat ParseFormat(string format) => format.ToLowerInvariant() switch
    {
        "anthropic" => ToolFormat.Anthropic,
        "mcp" => ToolFormat.Mcp,
        _ => ToolFormat.OpenAI,
    };

    private ConnectorManifest LoadManifest(string path)
    {
        string full = console.Resolve(path);
        string shown = path.Replace('\\', '/').TrimEnd('/');
        if (Directory.Exists(full))
        {
            full = Path.Combine(full, "config.json");
            shown += "/config.json";
        }

        if (!File.Exists(full))
        {
            throw new CliError($"{shown} does not exist; pass connector folders or config.json files");
        }

        try
        {
            return ConnectorManifest.Parse(File.ReadAllText(full), shown);
        }
        catch (ConfigurationError ex)
        {
            throw new CliError($"{ex.Message} (run 'patchbay validate {path}' for details)");
        }
    }
}
