using Patchbay.FunctionApp.Actions;
using Patchbay.FunctionApp.Catalog;
using Patchbay.FunctionApp.Connections;
using Patchbay.FunctionApp.Hosting;
using Patchbay.Sdk;
using Scalar.AspNetCore;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.AddPatchbay();

WebApplication app = builder.Build();
app.UsePatchbay();

// The Functions host polls GET / until the handler answers; keep it instant.
app.MapGet("/", () => TypedResults.Ok(new { name = "patchbay" })).ExcludeFromDescription();
app.MapGet("/api/health", () => TypedResults.Ok(new { status = "healthy", version = SdkInfo.Version }))
    .WithName("Health").WithTags("Health").WithSummary("Liveness and version; no key needed.");
app.MapOpenApi("/api/openapi/{documentName}.json");
app.MapScalarApiReference("/api/docs", scalar => scalar.WithTitle("Patchbay API").WithOpenApiRoutePattern("/api/openapi/{documentName}.json"));

app.MapCatalog();
app.MapActions();
app.MapConnections();

app.Run();

/// <summary>The app's entry point; public so tests can host it.</summary>
public partial class Program;
