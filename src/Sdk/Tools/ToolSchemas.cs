using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Patchbay.Sdk;

/// <summary>The tool-definition formats <see cref="ToolSchemas"/> writes.</summary>
public enum ToolFormat
{
    /// <summary>OpenAI function calling: <c>{"type":"function","function":{"name","description","parameters"}}</c>.</summary>
    OpenAI,

    /// <summary>Anthropic tools: <c>{"name","description","input_schema"}</c>.</summary>
    Anthropic,

    /// <summary>Model Context Protocol tools: <c>{"name","title","description","inputSchema"}</c>.</summary>
    Mcp,
}

/// <summary>One action as a tool: the name an LLM calls and the definition in the chosen format.</summary>
/// <param name="Name">The tool name, valid and unique for the format.</param>
/// <param name="Connector">The connector id.</param>
/// <param name="Action">The action name.</param>
/// <param name="Definition">The definition in the chosen format.</param>
public sealed record ToolDefinition(string Name, string Connector, string Action, JsonObject Definition);

/// <summary>
/// Turns connector actions into tool definitions for LLMs. Names join connector id and action
/// (<c>github_create_issue</c>), made valid for the format and unique across the list.
/// </summary>
public static class ToolSchemas
{
    /// <summary>Tool definitions for every action of <paramref name="manifests"/>, filtered by connector ids and tags (any tag matches).</summary>
    /// <param name="manifests">The connectors' manifests.</param>
    /// <param name="format">The output format.</param>
    /// <param name="connectors">Connector ids to include; all when null or empty.</param>
    /// <param name="tags">Keep actions carrying any of these tags; all when null or empty.</param>
    public static IReadOnlyList<ToolDefinition> Create(
        IEnumerable<ConnectorManifest> manifests,
        ToolFormat format,
        IReadOnlyCollection<string>? connectors = null,
        IReadOnlyCollection<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        int maxLength = format == ToolFormat.Mcp ? 128 : 64;
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var tools = new List<ToolDefinition>();
        foreach (ConnectorManifest manifest in manifests.OrderBy(m => m.Id, StringComparer.Ordinal))
        {
            if (connectors is { Count: > 0 } && !connectors.Contains(manifest.Id, StringComparer.OrdinalIgnoreCase)) continue;
            foreach (ActionDefinition action in manifest.Actions.Values.OrderBy(a => a.Name, StringComparer.Ordinal))
            {
                if (tags is { Count: > 0 } && !action.Tags.Any(t => tags.Contains(t, StringComparer.OrdinalIgnoreCase))) continue;
                string name = UniqueName(manifest.Id, action.Name, maxLength, used);
                tools.Add(new ToolDefinition(name, manifest.Id, action.Name, Describe(manifest, action, name, format)));
            }
        }

        return tools;
    }

    /// <summary>Writes tools as a JSON array.</summary>
    public static string ToJson(IEnumerable<ToolDefinition> tools) =>
        new JsonArray([.. tools.Select(t => (JsonNode)t.Definition.DeepClone())]).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static JsonObject Describe(ConnectorManifest manifest, ActionDefinition action, string name, ToolFormat format)
    {
        JsonObject schema = InputSchema(action.InputSchema);
        string description = action.Description.Length > 0 ? action.Description : action.DisplayName;
        return format switch
        {
            ToolFormat.OpenAI => new JsonObject
            {
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = name, ["description"] = description, ["parameters"] = schema },
            },
            ToolFormat.Anthropic => new JsonObject { ["name"] = name, ["description"] = description, ["input_schema"] = schema },
            _ => new JsonObject
            {
                ["name"] = name,
                ["title"] = $"{manifest.DisplayName}: {action.DisplayName}",
                ["description"] = description,
                ["inputSchema"] = schema,
            },
        };
    }

    // Every tool format wants an object schema at the top; a boolean or untyped schema becomes one.
    private static JsonObject InputSchema(JsonElement schema)
    {
        JsonObject result = schema.ValueKind == JsonValueKind.Object ? (JsonObject)JsonNode.Parse(schema.GetRawText())! : new JsonObject();
        result.TryAdd("type", "object");
        if (!result.ContainsKey("properties")) result["properties"] = new JsonObject();
        return result;
    }

    private static string UniqueName(string connector, string action, int maxLength, HashSet<string> used)
    {
        string name = Sanitize($"{connector.Replace('-', '_')}_{action}");
        if (name.Length > maxLength) name = Shorten(name, maxLength);
        string candidate = name;
        for (int n = 2; !used.Add(candidate); n++)
        {
            string suffix = "_" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            candidate = (name.Length + suffix.Length > maxLength ? name[..(maxLength - suffix.Length)] : name) + suffix;
        }

        return candidate;
    }

    private static string Sanitize(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        }

        return builder.ToString();
    }

    // Keep the start readable and add a short hash of the full name so two long names stay apart.
    private static string Shorten(string name, int maxLength)
    {
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8];
        return name[..(maxLength - 9)] + "_" + hash;
    }
}
