using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Patchbay.Platform.Actions;
using Patchbay.Platform.Catalog;
using Patchbay.Platform.Connections;
using Patchbay.Platform.Hosting;
using Patchbay.Platform.Storage;
using Patchbay.Sdk;

namespace Patchbay.Platform.Mcp;

/// <summary>
/// The MCP server's tools: the actions an entity can run, named as the catalogue names MCP tools
/// (<c>github_create_issue</c>), with each action's input schema and annotations from its tags. Served stateless
/// over streamable HTTP at <c>/api/mcp</c>, so any instance answers any request.
/// </summary>
/// <remarks>
/// The query string chooses the tools: <c>entity_id</c> (default <c>default</c>), optional <c>connectors</c> and
/// <c>tags</c> (comma-separated). An entity's tools are the actions of connectors it has an ACTIVE connection to
/// (the newest one is used), plus connectors that need no auth. A call runs through the same invoker as
/// <c>POST /api/connectors/{connector}/actions/{action}</c>: validation, the stored credentials, the network guard.
/// An action that fails (bad inputs, an upstream error, an action error) is a tool result with <c>isError</c>;
/// only an unknown tool is a protocol error.
/// </remarks>
public static class McpTools
{
    /// <summary>Adds the MCP server (stateless streamable HTTP) with Patchbay's tool handlers.</summary>
    public static IServiceCollection AddPatchbayMcp(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddMcpServer(options => options.ServerInfo = new Implementation { Name = "patchbay", Version = SdkInfo.Version })
            .WithHttpTransport(transport => transport.Stateless = true)
            .WithListToolsHandler(ListToolsAsync)
            .WithCallToolHandler(CallToolAsync);
        return services;
    }

    /// <summary>
    /// Maps the MCP endpoint at <c>/api/mcp</c> (standalone host), its endpoints named as the isolated worker's
    /// functions are (<c>McpPost</c>, <c>McpGet</c>, <c>McpDelete</c>), so both hosts serve the same API by name.
    /// </summary>
    public static IEndpointConventionBuilder MapPatchbayMcp(this IEndpointRouteBuilder routes)
    {
        IEndpointConventionBuilder mcp = routes.MapMcp("/" + PatchbayRoutes.Prefix + "/" + PatchbayRoutes.Mcp).WithTags("MCP");
        mcp.Add(endpoint =>
        {
            string? method = endpoint.Metadata.OfType<HttpMethodMetadata>().FirstOrDefault()?.HttpMethods is [var only, ..] ? only : null;
            if (method is not null)
            {
                endpoint.Metadata.Add(new EndpointNameMetadata("Mcp" + method[..1].ToUpperInvariant() + method[1..].ToLowerInvariant()));
            }
        });
        return mcp;
    }

    private static async ValueTask<ListToolsResult> ListToolsAsync(RequestContext<ListToolsRequestParams> request, CancellationToken cancellationToken)
    {
        IReadOnlyList<Offer> offers = await OffersAsync(request.Services!, cancellationToken);
        return new ListToolsResult { Tools = [.. offers.Select(o => o.Tool)] };
    }

    private static async ValueTask<CallToolResult> CallToolAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        IServiceProvider services = request.Services!;
        string name = request.Params?.Name ?? throw new McpProtocolException("tools/call needs a tool name.", McpErrorCode.InvalidParams);
        IReadOnlyList<Offer> offers = await OffersAsync(services, cancellationToken);
        Offer offer = offers.FirstOrDefault(o => o.Tool.Name == name)
            ?? throw new McpProtocolException($"There is no tool '{name}' for this entity; tools/list names the {offers.Count} it has.", McpErrorCode.InvalidParams);

        ActionInvoker invoker = services.GetRequiredService<ActionInvoker>();
        ILogger logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Patchbay.Mcp");
        JsonElement inputs = JsonSerializer.SerializeToElement(request.Params!.Arguments ?? new Dictionary<string, JsonElement>());
        try
        {
            Connector connector = invoker.GetConnector(offer.Connector);
            IntegrationResult result = await invoker.RunAsync(connector, default, offer.ConnectionId,
                auth => connector.ExecuteActionAsync(offer.Action, inputs, invoker.CreateContext(connector, auth), cancellationToken), cancellationToken);
            logger.LogInformation("MCP tool {Tool} ran {Connector}.{Action}: {ResultType}", name, offer.Connector, offer.Action, result.Type);
            if (result.Outcome is ActionError error) return Failure(error.Message);
            JsonElement data = result.Outcome is ActionResult ok ? ok.Data : default;
            string text = data.ValueKind == JsonValueKind.Undefined ? "null" : data.GetRawText();
            return new CallToolResult
            {
                Content = [new TextContentBlock { Text = text }],
                // Structured content must be an object; other JSON is wrapped so clients always get one.
                StructuredContent = data.ValueKind == JsonValueKind.Object ? data : JsonSerializer.SerializeToElement(new { result = data.ValueKind == JsonValueKind.Undefined ? (JsonElement?)null : data }),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The same mapping as the HTTP API's problem details, on a scratch context: the MCP response may already be streaming.
            var problem = PatchbayExceptionHandler.ToProblem(new DefaultHttpContext { RequestServices = services }, ex);
            string detail = problem.Detail ?? problem.Title ?? "The action failed.";
            if (problem.Extensions.TryGetValue("errors", out object? errors) && errors is not null)
            {
                detail += " " + JsonSerializer.Serialize(errors);
            }

            logger.LogInformation("MCP tool {Tool} failed with {Status}: {Detail}", name, problem.Status, problem.Detail);
            return Failure($"{problem.Title}: {detail}");
        }
    }

    private static CallToolResult Failure(string message) => new() { IsError = true, Content = [new TextContentBlock { Text = message }] };

    // What the request's entity may call: each tool with the connector, action and connection behind it.
    private static async Task<IReadOnlyList<Offer>> OffersAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        HttpContext http = services.GetRequiredService<IHttpContextAccessor>().HttpContext
            ?? throw new InvalidOperationException("The MCP endpoint runs only over HTTP.");
        string entityId = http.Request.Query["entity_id"].FirstOrDefault() is { Length: > 0 } entity ? entity : "default";
        string[] connectors = Split(http.Request.Query["connectors"].FirstOrDefault());
        string[] tags = Split(http.Request.Query["tags"].FirstOrDefault());

        ConnectorCatalog catalog = services.GetRequiredService<ConnectorCatalog>();
        IReadOnlyList<Connection> connections = (await services.GetRequiredService<ConnectionStore>().ListAsync(entityId, ListAnswers.Limit, cancellationToken)).Items;
        Dictionary<string, string> active = connections
            .Where(c => c.Status == ConnectionStatus.Active)
            .GroupBy(c => c.Connector, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(c => c.CreatedAt).First().Id, StringComparer.Ordinal);
        ConnectorManifest[] usable = [.. catalog.All.Select(c => c.Manifest).Where(m => !m.Auth.IsRequired || active.ContainsKey(m.Id))];

        return [.. ToolSchemas.Create(usable, ToolFormat.Mcp, connectors, tags).Select(tool =>
        {
            ActionDefinition action = catalog.All.First(c => c.Id == tool.Connector).Manifest.Actions[tool.Action];
            return new Offer(ToProtocol(tool, action), tool.Connector, tool.Action, active.GetValueOrDefault(tool.Connector));
        })];
    }

    private static Tool ToProtocol(ToolDefinition tool, ActionDefinition action)
    {
        bool readOnly = action.Tags.Contains("read") && !action.Tags.Contains("write");
        bool destructive = action.Tags.Any(t => t is "delete" or "overwrite" or "destructive");
        return new Tool
        {
            Name = tool.Name,
            Title = (string?)tool.Definition["title"],
            Description = (string?)tool.Definition["description"],
            InputSchema = JsonSerializer.SerializeToElement(tool.Definition["inputSchema"]),
            Annotations = new ToolAnnotations
            {
                Title = action.DisplayName,
                ReadOnlyHint = readOnly,
                DestructiveHint = !readOnly && destructive,
                IdempotentHint = readOnly,
                OpenWorldHint = true,
            },
        };
    }

    private static string[] Split(string? list) => (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private sealed record Offer(Tool Tool, string Connector, string Action, string? ConnectionId);
}
