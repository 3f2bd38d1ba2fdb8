using System.Text.Json;
using System.Text.RegularExpressions;
using Patchbay.Sdk.Schema;

namespace Patchbay.Sdk;

/// <summary>Turns a parsed <c>config.json</c> into a <see cref="ConnectorManifest"/>, one check at a time.</summary>
internal static partial class ManifestReader
{
    public static ConnectorManifest Read(JsonElement root, string source, JsonSchemaOptions schemaOptions)
    {
        var warnings = new List<ManifestWarning>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ConfigurationError(source, "", $"must be a JSON object, not {Kind(root)}");
        }

        string name = RequiredString(root, "name", "", source, "the connector's name, e.g. \"my-connector\"");
        string version = RequiredString(root, "version", "", source, "a semantic version such as \"1.0.0\"");
        string description = RequiredString(root, "description", "", source, "one sentence saying what the connector does");

        if (ConnectorId.FromName(name).Length == 0)
        {
            throw new ConfigurationError(source, "/name", $"'{name}' has no letter or digit to make a connector id from; use lowercase-with-hyphens, e.g. \"my-connector\"");
        }

        if (!SemverPattern().IsMatch(version))
        {
            warnings.Add(new ManifestWarning("/version", $"'{version}' is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.0)"));
        }

        OptionalString(root, "display_name", "", source);
        OptionalString(root, "entry_point", "", source);
        OptionalBool(root, "supports_billing", source);
        OptionalBool(root, "supports_connected_account", source);

        AuthDefinition auth = ReadAuth(root, source, schemaOptions, warnings);
        IReadOnlyList<string> allowedHosts = ReadStringArray(root, "allowed_hosts", "", source, "host names such as \"api.github.com\" or \"*.slack.com\"");
        foreach (string host in allowedHosts)
        {
            if (!HostPattern().IsMatch(host))
            {
                throw new ConfigurationError(source, "/allowed_hosts", $"'{host}' is not a host name; write names like \"api.example.com\" or \"*.example.com\", without scheme, port or path");
            }
        }

        if (!root.TryGetProperty("actions", out JsonElement actionsElement))
        {
            throw new ConfigurationError(source, "/actions", "is required: add an \"actions\" object with at least one action");
        }

        if (actionsElement.ValueKind != JsonValueKind.Object)
        {
            throw new ConfigurationError(source, "/actions", $"must be an object of actions by name, not {Kind(actionsElement)}");
        }

        var actions = new Dictionary<string, ActionDefinition>(StringComparer.Ordinal);
        foreach (JsonProperty action in actionsElement.EnumerateObject())
        {
            string path = "/actions/" + Escape(action.Name);
            CheckName(action.Name, path, "action", warnings);
            if (action.Value.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigurationError(source, path, $"must be an object with description, input_schema and output_schema, not {Kind(action.Value)}");
            }

            RequiredString(action.Value, "description", path, source, "what the action does, for people and for LLM tool use");
            OptionalString(action.Value, "display_name", path, source);
            JsonElement inputSchema = RequiredSchema(action.Value, "input_schema", path, source);
            JsonElement outputSchema = RequiredSchema(action.Value, "output_schema", path, source);
            IReadOnlyList<string> tags = ReadStringArray(action.Value, "tags", path, source, "short words such as \"read\" or \"issues\"");
            actions.Add(action.Name, new ActionDefinition(
                action.Name,
                action.Value,
                Compile(inputSchema, path + "/input_schema", source, schemaOptions, warnings),
                Compile(outputSchema, path + "/output_schema", source, schemaOptions, warnings),
                tags,
                InputDefaults.From(inputSchema)));
        }

        if (actions.Count == 0)
        {
            throw new ConfigurationError(source, "/actions", "has no actions; a connector needs at least one");
        }

        var triggers = new Dictionary<string, PollingTriggerDefinition>(StringComparer.Ordinal);
        if (root.TryGetProperty("polling_triggers", out JsonElement triggersElement) && triggersElement.ValueKind != JsonValueKind.Null)
        {
            if (triggersElement.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigurationError(source, "/polling_triggers", $"must be an object of triggers by name, not {Kind(triggersElement)}");
            }

            foreach (JsonProperty trigger in triggersElement.EnumerateObject())
            {
                string path = "/polling_triggers/" + Escape(trigger.Name);
                CheckName(trigger.Name, path, "polling trigger", warnings);
                if (trigger.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new ConfigurationError(source, path, $"must be an object with description, polling_interval, input_schema and output_schema, not {Kind(trigger.Value)}");
                }

                RequiredString(trigger.Value, "description", path, source, "what the trigger watches for");
                string intervalText = RequiredString(trigger.Value, "polling_interval", path, source, "how often to poll, e.g. \"5m\"");
                if (!PollingInterval.TryParse(intervalText, out TimeSpan interval, out string intervalError))
                {
                    throw new ConfigurationError(source, path + "/polling_interval", intervalError);
                }

                JsonElement inputSchema = RequiredSchema(trigger.Value, "input_schema", path, source);
                JsonElement outputSchema = RequiredSchema(trigger.Value, "output_schema", path, source);
                triggers.Add(trigger.Name, new PollingTriggerDefinition(
                    trigger.Name,
                    trigger.Value,
                    Compile(inputSchema, path + "/input_schema", source, schemaOptions, warnings),
                    Compile(outputSchema, path + "/output_schema", source, schemaOptions, warnings),
                    interval,
                    InputDefaults.From(inputSchema)));
            }
        }

        return new ConnectorManifest(source, root, name, version, description, auth, actions, triggers, allowedHosts, warnings);
    }

    private static AuthDefinition ReadAuth(JsonElement root, string source, JsonSchemaOptions schemaOptions, List<ManifestWarning> warnings)
    {
        if (!root.TryGetProperty("auth", out JsonElement auth) || auth.ValueKind == JsonValueKind.Null
            || (auth.ValueKind == JsonValueKind.Object && !auth.EnumerateObject().Any()))
        {
            return new AuthDefinition(AuthKinds.None, default, null, null, []);
        }

        if (auth.ValueKind != JsonValueKind.Object)
        {
            throw new ConfigurationError(source, "/auth", $"must be an object such as {{\"type\": \"custom\", \"fields\": {{...}}}} or {{\"type\": \"platform\", \"provider\": \"github\"}}, not {Kind(auth)}");
        }

        string type = RequiredString(auth, "type", "/auth", source, "one of custom, platform, oauth2_pkce");
        OptionalString(auth, "title", "/auth", source);
        switch (type)
        {
            case AuthKinds.Custom:
            {
                if (!auth.TryGetProperty("fields", out JsonElement fields))
                {
                    throw new ConfigurationError(source, "/auth/fields", "is required for custom auth: a JSON Schema object describing the credential fields, e.g. {\"type\":\"object\",\"properties\":{\"api_key\":{\"type\":\"string\"}},\"required\":[\"api_key\"]}");
                }

                if (fields.ValueKind != JsonValueKind.Object)
                {
                    throw new ConfigurationError(source, "/auth/fields", $"must be a JSON Schema object, not {Kind(fields)}");
                }

                JsonSchema compiled = Compile(fields, "/auth/fields", source, schemaOptions, warnings);
                ApiKeyPlacement? apiKey = ReadApiKey(auth, fields, source);
                return new AuthDefinition(type, auth, compiled, apiKey, []);
            }

            case AuthKinds.Platform or AuthKinds.OAuth2Pkce:
            {
                if (type == AuthKinds.Platform)
                {
                    RequiredString(auth, "provider", "/auth", source, "the OAuth provider, e.g. \"github\"");
                }

                IReadOnlyList<string> scopes = ReadStringArray(auth, "scopes", "/auth", source, "OAuth scopes such as \"repo\"");
                return new AuthDefinition(type, auth, null, null, scopes);
            }

            default:
                throw new ConfigurationError(source, "/auth/type", $"'{type}' is not an auth type; use custom (fields the user fills in), platform (OAuth by provider) or oauth2_pkce, or leave auth out for none");
        }
    }

    private static ApiKeyPlacement? ReadApiKey(JsonElement auth, JsonElement fields, string source)
    {
        if (!auth.TryGetProperty("api_key", out JsonElement apiKey)) return null;
        const string Shape = "must be {\"in\": \"header\" or \"query\", \"name\": \"X-Api-Key\", \"field\": \"api_key\"}";
        if (apiKey.ValueKind != JsonValueKind.Object) throw new ConfigurationError(source, "/auth/api_key", Shape);
        string where = RequiredString(apiKey, "in", "/auth/api_key", source, "header or query");
        if (where is not ("header" or "query")) throw new ConfigurationError(source, "/auth/api_key/in", $"'{where}' is not header or query");
        string name = RequiredString(apiKey, "name", "/auth/api_key", source, "the header or query parameter name");
        string field = RequiredString(apiKey, "field", "/auth/api_key", source, "the auth.fields property that holds the key");
        string prefix = OptionalString(apiKey, "prefix", "/auth/api_key", source) ?? string.Empty;
        if (!fields.TryGetProperty("properties", out JsonElement properties) || properties.ValueKind != JsonValueKind.Object || !properties.TryGetProperty(field, out _))
        {
            throw new ConfigurationError(source, "/auth/api_key/field", $"'{field}' is not a property of auth.fields; name the field that holds the key");
        }

        return new ApiKeyPlacement(where, name, field, prefix);
    }

    private static JsonSchema Compile(JsonElement schema, string path, string source, JsonSchemaOptions options, List<ManifestWarning> warnings)
    {
        try
        {
            JsonSchema compiled = JsonSchema.Parse(schema, options);
            foreach (string warning in compiled.Warnings)
            {
                warnings.Add(new ManifestWarning(path, warning));
            }

            return compiled;
        }
        catch (JsonSchemaException ex)
        {
            throw new ConfigurationError(source, path + ex.SchemaPath, $"is not a valid JSON Schema (draft 7): {ex.Message}", ex);
        }
    }

    private static JsonElement RequiredSchema(JsonElement parent, string name, string path, string source)
    {
        if (!parent.TryGetProperty(name, out JsonElement schema))
        {
            throw new ConfigurationError(source, path + "/" + name, $"is required: a JSON Schema (draft 7), at least {{\"type\": \"object\"}}");
        }

        if (schema.ValueKind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False))
        {
            throw new ConfigurationError(source, path + "/" + name, $"must be a JSON Schema object, not {Kind(schema)}");
        }

        return schema;
    }

    private static string RequiredString(JsonElement parent, string name, string path, string source, string hint)
    {
        if (!parent.TryGetProperty(name, out JsonElement value))
        {
            throw new ConfigurationError(source, path + "/" + name, $"is required: {hint}");
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new ConfigurationError(source, path + "/" + name, $"must be a string ({hint}), not {Kind(value)}");
        }

        string text = value.GetString()!;
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ConfigurationError(source, path + "/" + name, $"is empty: {hint}");
        }

        return text;
    }

    private static string? OptionalString(JsonElement parent, string name, string path, string source)
    {
        if (!parent.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new ConfigurationError(source, path + "/" + name, $"must be a string, not {Kind(value)}");
        }

        return value.GetString();
    }

    private static void OptionalBool(JsonElement parent, string name, string source)
    {
        if (parent.TryGetProperty(name, out JsonElement value) && value.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
        {
            throw new ConfigurationError(source, "/" + name, $"must be true or false, not {Kind(value)}");
        }
    }

    private static List<string> ReadStringArray(JsonElement parent, string name, string path, string source, string hint)
    {
        if (!parent.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null) return [];
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new ConfigurationError(source, path + "/" + name, $"must be an array of strings ({hint}), not {Kind(value)}");
        }

        var items = new List<string>();
        int index = 0;
        foreach (JsonElement item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
            {
                throw new ConfigurationError(source, $"{path}/{name}/{index}", $"must be a non-empty string ({hint})");
            }

            items.Add(item.GetString()!);
            index++;
        }

        return items;
    }

    private static void CheckName(string name, string path, string what, List<ManifestWarning> warnings)
    {
        if (!SnakeCasePattern().IsMatch(name))
        {
            warnings.Add(new ManifestWarning(path, $"{what} name '{name}' is not snake_case (e.g. list_items); tool names and routes read better in snake_case"));
        }
    }

    internal static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    internal static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemverPattern();

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCasePattern();

    [GeneratedRegex(@"^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex HostPattern();
}
