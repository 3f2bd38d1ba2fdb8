using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Patchbay.Platform.Actions;
using Patchbay.Platform.Hosting;
using Patchbay.Sdk;

namespace Patchbay.Platform.Catalog;

/// <summary>Discovering connectors, their actions and inputs, and actions as LLM tools.</summary>
public static class CatalogApi
{
    public static RouteGroupBuilder MapCatalog(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder group = routes.MapGroup("/" + PatchbayRoutes.Prefix).WithTags("Catalog");
        group.MapGet(PatchbayRoutes.Connectors, ListConnectors).WithName("ListConnectors")
            .WithSummary("Every connector: id, names, version, auth type, actions and triggers.").WithPatchbayProblems();
        group.MapGet(PatchbayRoutes.Connector, GetConnector).WithName("GetConnector")
            .WithSummary("One connector's manifest: schemas, defaults, and the auth fields a client renders as a form.").WithPatchbayProblems(404);
        group.MapGet(PatchbayRoutes.ConnectorAuth, GetAuthParameters).WithName("GetConnectorAuth")
            .WithSummary("What a connect form needs: the auth type, each custom field (label, help, type, required, secret, default, choices) or the OAuth provider and scopes.")
            .WithPatchbayProblems(404);
        group.MapGet(PatchbayRoutes.Tools, ListTools).WithName("ListTools")
            .WithSummary("Actions as tool definitions for OpenAI, Anthropic or MCP, filtered by connectors and tags.").WithPatchbayProblems(400, 404);
        return group;
    }

    public static Ok<JsonArray> ListConnectors(ConnectorCatalog catalog) =>
        TypedResults.Ok(new JsonArray([.. catalog.All.OrderBy(c => c.Id, StringComparer.Ordinal).Select(c => (JsonNode)Summary(c.Manifest))]));

    public static Ok<JsonObject> GetConnector(string connector, ActionInvoker invoker)
    {
        ConnectorManifest manifest = invoker.GetConnector(connector).Manifest;
        JsonObject result = Summary(manifest);
        result["auth"] = Auth(manifest.Auth);
        result["allowed_hosts"] = new JsonArray([.. manifest.AllowedHosts.Select(h => (JsonNode)h)]);
        result["supports_billing"] = manifest.SupportsBilling;
        result["supports_connected_account"] = manifest.SupportsConnectedAccount;
        result["actions"] = new JsonObject(manifest.Actions.Values.Select(a => KeyValuePair.Create(a.Name, (JsonNode?)new JsonObject
        {
            ["display_name"] = a.DisplayName,
            ["description"] = a.Description,
            ["tags"] = new JsonArray([.. a.Tags.Select(t => (JsonNode)t)]),
            ["input_schema"] = Node(a.InputSchema),
            ["output_schema"] = Node(a.OutputSchema),
            ["defaults"] = Defaults(a.Defaults),
        })));
        result["polling_triggers"] = new JsonObject(manifest.PollingTriggers.Values.Select(t => KeyValuePair.Create(t.Name, (JsonNode?)new JsonObject
        {
            ["display_name"] = t.DisplayName,
            ["description"] = t.Description,
            ["polling_interval"] = t.Raw.GetProperty("polling_interval").GetString(),
            ["polling_interval_seconds"] = (long)t.PollingInterval.TotalSeconds,
            ["input_schema"] = Node(t.InputSchema),
            ["output_schema"] = Node(t.OutputSchema),
            ["defaults"] = Defaults(t.Defaults),
        })));
        result["manifest"] = Node(manifest.Raw);
        return TypedResults.Ok(result);
    }

    /// <summary>The auth parameters of a connector, flattened for a form (Composio's "fetch the parameters an integration needs").</summary>
    public static Ok<JsonObject> GetAuthParameters(string connector, ActionInvoker invoker, IConfiguration configuration)
    {
        AuthDefinition auth = invoker.GetConnector(connector).Manifest.Auth;
        var result = new JsonObject { ["connector"] = invoker.GetConnector(connector).Id, ["type"] = auth.Type };
        if (auth.FieldsSchema.ValueKind == JsonValueKind.Object)
        {
            HashSet<string> required = auth.FieldsSchema.TryGetProperty("required", out JsonElement list) && list.ValueKind == JsonValueKind.Array
                ? [.. list.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!)]
                : [];
            var fields = new JsonArray();
            if (auth.FieldsSchema.TryGetProperty("properties", out JsonElement properties) && properties.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty field in properties.EnumerateObject())
                {
                    JsonElement schema = field.Value;
                    string? format = ConnectorManifest.GetString(schema, "format");
                    fields.Add(new JsonObject
                    {
                        ["name"] = field.Name,
                        ["display_name"] = ConnectorManifest.GetString(schema, "title") ?? field.Name,
                        ["description"] = ConnectorManifest.GetString(schema, "description"),
                        ["type"] = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("type", out JsonElement type) ? Node(type) : null,
                        ["format"] = format,
                        ["required"] = required.Contains(field.Name),
                        ["secret"] = format == "password",
                        ["default"] = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("default", out JsonElement fallback) ? Node(fallback) : null,
                        ["enum"] = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("enum", out JsonElement choices) ? Node(choices) : null,
                    });
                }
            }

            result["fields"] = fields;
        }

        if (auth.IsOAuth)
        {
            result["provider"] = auth.Provider;
            result["scopes"] = new JsonArray([.. auth.Scopes.Select(s => (JsonNode)s)]);
            result["client_configured"] = auth.Provider is { } provider && !string.IsNullOrEmpty(configuration[$"Patchbay:OAuth:Providers:{provider}:ClientId"]);
        }

        return TypedResults.Ok(result);
    }

    public static Ok<JsonArray> ListTools(ConnectorCatalog catalog, string? format = null, string? connectors = null, string? tags = null)
    {
        ToolFormat toolFormat = (format ?? "openai").ToLowerInvariant() switch
        {
            "openai" => ToolFormat.OpenAI,
            "anthropic" => ToolFormat.Anthropic,
            "mcp" => ToolFormat.Mcp,
            _ => throw ApiProblem.BadRequest($"format '{format}' is not supported; use openai, anthropic or mcp.", new FieldError("/format", "must be openai, anthropic or mcp")),
        };
        string[] connectorIds = Split(connectors);
        foreach (string id in connectorIds)
        {
            if (!catalog.TryGet(id, out _)) throw ApiProblem.NotFound("Connector", $"There is no connector '{id}'.");
        }

        IReadOnlyList<ToolDefinition> tools = ToolSchemas.Create(catalog.All.Select(c => c.Manifest), toolFormat, connectorIds, Split(tags));
        return TypedResults.Ok(new JsonArray([.. tools.Select(t => (JsonNode)t.Definition.DeepClone())]));
    }

    private static JsonObject Summary(ConnectorManifest manifest) => new()
    {
        ["id"] = manifest.Id,
        ["name"] = manifest.Name,
        ["display_name"] = manifest.DisplayName,
        ["description"] = manifest.Description,
        ["version"] = manifest.Version,
        ["auth_type"] = manifest.Auth.Type,
        ["actions"] = new JsonArray([.. manifest.Actions.Keys.Order(StringComparer.Ordinal).Select(a => (JsonNode)a)]),
        ["polling_triggers"] = new JsonArray([.. manifest.PollingTriggers.Keys.Order(StringComparer.Ordinal).Select(t => (JsonNode)t)]),
    };

    private static JsonObject Auth(AuthDefinition auth)
    {
        var node = new JsonObject { ["type"] = auth.Type };
        if (auth.Raw.ValueKind == JsonValueKind.Object && auth.Raw.TryGetProperty("title", out JsonElement title)) node["title"] = Node(title);
        if (auth.FieldsSchema.ValueKind != JsonValueKind.Undefined) node["fields"] = Node(auth.FieldsSchema);
        if (auth.Provider is { } provider) node["provider"] = provider;
        if (auth.Scopes.Count > 0) node["scopes"] = new JsonArray([.. auth.Scopes.Select(s => (JsonNode)s)]);
        return node;
    }

    private static JsonObject Defaults(InputDefaults defaults) =>
        new(defaults.TopLevel.Select(d => KeyValuePair.Create(d.Key, Node(d.Value))));

    private static JsonNode? Node(JsonElement element) => element.ValueKind == JsonValueKind.Undefined ? null : JsonNode.Parse(element.GetRawText());

    private static string[] Split(string? list) => (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
