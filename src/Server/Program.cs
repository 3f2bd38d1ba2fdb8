using Patchbay.Platform.Actions;
using Patchbay.Platform.Catalog;
using Patchbay.Platform.Connections;
using Patchbay.Platform.Mcp;
using Patchbay.Platform.Subscriptions;
using Patchbay.Server.Hosting;
using Patchbay.Server.Polling;
using Patchbay.Sdk;
using Scalar.AspNetCore;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.AddPatchbayServer();

WebApplication app = builder.Build();
app.UsePatchbayServer();

// The Functions host polls GET / until the handler answers; keep it instant.
app.MapGet("/", () => TypedResults.Ok(new { name = "patchbay" })).ExcludeFromDescription();
app.MapGet("/api/health", () => TypedResults.Ok(new { status = "healthy", version = SdkInfo.Version }))
    .WithName("Health").WithTags("Health").WithSummary("Liveness and version; no key needed.");
app.MapOpenApi("/api/openapi/{documentName}.json");
app.MapScalarApiReference("/api/docs", scalar => scalar.WithTitle("Patchbay API").WithOpenApiRoutePattern("/api/openapi/{documentName}.json"));

app.MapCatalog();
app.MapActions();
app.MapConnections();
app.MapSubscriptions();
app.MapPollingTick();
app.MapMcp("/api/" + McpTools.Route).WithTags("MCP");

app.Run();

/// <summary>The app's entry point; public so tests can host it.</summary>
public partial class Program;
