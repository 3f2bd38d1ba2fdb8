using System.Text.Json;
using Patchbay.Sdk.Schema;

namespace Patchbay.Sdk;

/// <summary>
/// A connector's <c>config.json</c>, in the Autohive format, loaded and checked once: every schema is
/// compiled, every problem is a <see cref="ConfigurationError"/> naming the file and JSON path.
/// Unknown fields are kept in <see cref="Raw"/>.
/// </summary>
/// <example><code>
/// var manifest = ConnectorManifest.Load("src/Connectors/rss/config.json");
/// Console.WriteLine(manifest.Id + ": " + string.Join(", ", manifest.Actions.Keys));
/// </code></example>
public sealed class ConnectorManifest
{
    internal ConnectorManifest(
        string source,
        JsonElement raw,
        string name,
        string version,
        string description,
        AuthDefinition auth,
        IReadOnlyDictionary<string, ActionDefinition> actions,
        IReadOnlyDictionary<string, PollingTriggerDefinition> pollingTriggers,
        IReadOnlyList<string> allowedHosts,
        IReadOnlyList<ManifestWarning> warnings)
    {
        Source = source;
        Raw = raw;
        Name = name;
        Id = ConnectorId.FromName(name);
        Version = version;
        Description = description;
        Auth = auth;
        Actions = actions;
        PollingTriggers = pollingTriggers;
        AllowedHosts = allowedHosts;
        Warnings = warnings;
    }

    /// <summary>Where the manifest came from (a file path or a resource name), used in messages.</summary>
    public string Source { get; }

    /// <summary>The whole document as written, unknown fields included.</summary>
    public JsonElement Raw { get; }

    /// <summary>The manifest <c>name</c>.</summary>
    public string Name { get; }

    /// <summary>The connector id used in routes and tool names; see <see cref="ConnectorId"/>.</summary>
    public string Id { get; }

    /// <summary>The manifest <c>version</c>.</summary>
    public string Version { get; }

    /// <summary>The manifest <c>description</c>.</summary>
    public string Description { get; }

    /// <summary><c>display_name</c>, falling back to <see cref="Name"/>.</summary>
    public string DisplayName => GetString(Raw, "display_name") ?? Name;

    /// <summary><c>entry_point</c>, when given (Autohive manifests name a <c>.py</c> file).</summary>
    public string? EntryPoint => GetString(Raw, "entry_point");

    /// <summary><c>supports_billing</c>.</summary>
    public bool SupportsBilling => GetBool(Raw, "supports_billing");

    /// <summary><c>supports_connected_account</c>.</summary>
    public bool SupportsConnectedAccount => GetBool(Raw, "supports_connected_account");

    /// <summary>The <c>auth</c> block.</summary>
    public AuthDefinition Auth { get; }

    /// <summary>Actions by name.</summary>
    public IReadOnlyDictionary<string, ActionDefinition> Actions { get; }

    /// <summary>Polling triggers by name.</summary>
    public IReadOnlyDictionary<string, PollingTriggerDefinition> PollingTriggers { get; }

    /// <summary>Patchbay's <c>allowed_hosts</c>: the only hosts <c>FetchAsync</c> may reach; empty means any.</summary>
    public IReadOnlyList<string> AllowedHosts { get; }

    /// <summary>Problems that do not stop the connector from loading (naming, versions, lenient schemas).</summary>
    public IReadOnlyList<ManifestWarning> Warnings { get; }

    /// <summary>Loads and checks a <c>config.json</c> file.</summary>
    /// <exception cref="ConfigurationError">The file is missing, not JSON, or not a valid manifest.</exception>
    public static ConnectorManifest Load(string path, JsonSchemaOptions? schemaOptions = null)
    {
        if (!File.Exists(path))
        {
            throw new ConfigurationError(path, "", "the file does not exist; a connector folder needs a config.json next to its handlers");
        }

        return Parse(File.ReadAllText(path), path, schemaOptions);
    }

    /// <summary>Parses and checks manifest text; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="ConfigurationError">The text is not JSON or not a valid manifest.</exception>
    public static ConnectorManifest Parse(string json, string source = "config.json", JsonSchemaOptions? schemaOptions = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new ConfigurationError(source, "", $"is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}): fix the syntax", ex);
        }

        using (document)
        {
            return ManifestReader.Read(document.RootElement.Clone(), source, schemaOptions ?? new JsonSchemaOptions());
        }
    }

    internal static string? GetString(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static bool GetBool(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.True;
}

/// <summary>What actions and polling triggers share: a name, descriptions and compiled input and output schemas.</summary>
public abstract class OperationDefinition
{
    private protected OperationDefinition(string name, JsonElement raw, JsonSchema input, JsonSchema output, InputDefaults defaults)
    {
        Name = name;
        Raw = raw;
        Input = input;
        Output = output;
        Defaults = defaults;
    }

    /// <summary>The key in <c>actions</c> or <c>polling_triggers</c>.</summary>
    public string Name { get; }

    /// <summary>The definition as written, unknown fields included.</summary>
    public JsonElement Raw { get; }

    /// <summary><c>display_name</c>, falling back to <see cref="Name"/>.</summary>
    public string DisplayName => ConnectorManifest.GetString(Raw, "display_name") ?? Name;

    /// <summary><c>description</c>.</summary>
    public string Description => ConnectorManifest.GetString(Raw, "description") ?? string.Empty;

    /// <summary><c>input_schema</c> as written.</summary>
    public JsonElement InputSchema => Raw.GetProperty("input_schema");

    /// <summary><c>output_schema</c> as written (for a trigger: the schema of each record's <c>data</c>).</summary>
    public JsonElement OutputSchema => Raw.GetProperty("output_schema");

    /// <summary>The compiled <c>input_schema</c>.</summary>
    public JsonSchema Input { get; }

    /// <summary>The compiled <c>output_schema</c>.</summary>
    public JsonSchema Output { get; }

    /// <summary>Values filled in for inputs the caller leaves out (the schema's <c>default</c>s).</summary>
    public InputDefaults Defaults { get; }
}

/// <summary>One action in a manifest.</summary>
public sealed class ActionDefinition : OperationDefinition
{
    internal ActionDefinition(string name, JsonElement raw, JsonSchema input, JsonSchema output, IReadOnlyList<string> tags, InputDefaults defaults)
        : base(name, raw, input, output, defaults)
    {
        Tags = tags;
    }

    /// <summary>Patchbay's <c>tags</c>, for filtering tools.</summary>
    public IReadOnlyList<string> Tags { get; }
}

/// <summary>One polling trigger in a manifest.</summary>
public sealed class PollingTriggerDefinition : OperationDefinition
{
    internal PollingTriggerDefinition(string name, JsonElement raw, JsonSchema input, JsonSchema output, TimeSpan interval, InputDefaults defaults)
        : base(name, raw, input, output, defaults)
    {
        PollingInterval = interval;
    }

    /// <summary><c>polling_interval</c>, parsed.</summary>
    public TimeSpan PollingInterval { get; }
}

/// <summary>The manifest's <c>auth</c> block.</summary>
public sealed class AuthDefinition
{
    internal AuthDefinition(string type, JsonElement raw, JsonSchema? fields, ApiKeyPlacement? apiKey, IReadOnlyList<string> scopes)
    {
        Type = type;
        Raw = raw;
        Fields = fields;
        ApiKey = apiKey;
        Scopes = scopes;
    }

    /// <summary><c>none</c>, <c>custom</c>, <c>platform</c> or <c>oauth2_pkce</c>.</summary>
    public string Type { get; }

    /// <summary>The block as written; <see cref="JsonValueKind.Undefined"/> when there is none.</summary>
    public JsonElement Raw { get; }

    /// <summary>Whether the connector needs credentials at all.</summary>
    public bool IsRequired => Type != AuthKinds.None;

    /// <summary>Whether the platform holds an OAuth token for the caller (<c>platform</c> or <c>oauth2_pkce</c>).</summary>
    public bool IsOAuth => Type is AuthKinds.Platform or AuthKinds.OAuth2Pkce;

    /// <summary>The compiled <c>fields</c> schema of custom auth.</summary>
    public JsonSchema? Fields { get; }

    /// <summary><c>fields</c> as written (the form a client renders); undefined when absent.</summary>
    public JsonElement FieldsSchema => Raw.ValueKind == JsonValueKind.Object && Raw.TryGetProperty("fields", out JsonElement f) ? f : default;

    /// <summary>Patchbay's <c>api_key</c> placement, when declared.</summary>
    public ApiKeyPlacement? ApiKey { get; }

    /// <summary>The OAuth <c>provider</c>.</summary>
    public string? Provider => ConnectorManifest.GetString(Raw, "provider");

    /// <summary>The OAuth <c>scopes</c>.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>The envelope <c>auth_type</c> a flat credentials object is wrapped with.</summary>
    public string? DefaultAuthType => Type switch
    {
        AuthKinds.Platform or AuthKinds.OAuth2Pkce => AuthTypes.PlatformOAuth2,
        AuthKinds.Custom => ApiKey is null ? AuthTypes.Custom : AuthTypes.ApiKey,
        _ => null,
    };
}

/// <summary>The values of a manifest's <c>auth.type</c>.</summary>
public static class AuthKinds
{
    /// <summary>No auth block.</summary>
    public const string None = "none";

    /// <summary>Fields the user fills in, described by <c>auth.fields</c>.</summary>
    public const string Custom = "custom";

    /// <summary>OAuth 2 run by the platform (<c>provider</c>, <c>scopes</c>).</summary>
    public const string Platform = "platform";

    /// <summary>OAuth 2 authorization code with PKCE.</summary>
    public const string OAuth2Pkce = "oauth2_pkce";
}
