using Patchbay.Platform.Actions;
using Patchbay.Platform.Catalog;
using Patchbay.Platform.Connections;
using Patchbay.Platform.Hosting;
using Patchbay.Platform.Storage;
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
app.MapGet("/api/health", () => TypedResults.Ok(new HealthResponse("healthy", SdkInfo.Version)))
    .WithName("Health").WithTags("Health").WithSummary("Liveness and version; no key needed; never touches storage.").AllowAnonymous();
app.MapGet("/api/health/ready", (StorageClients storage, CancellationToken cancellationToken) => StorageReadiness.CheckAsync(storage, cancellationToken))
    .WithName("HealthReady").WithTags("Health").WithSummary("Readiness: 200 when storage answers within Patchbay__StorageTimeoutSeconds, else 503 with Retry-After; no key needed.")
    .AllowAnonymous().WithPatchbayProblems(503);
app.MapOpenApi("/api/openapi/{documentName}.json");
app.MapScalarApiReference(StandaloneHosting.DocsPath, StandaloneHosting.ConfigureReferencePage);

app.MapCatalog();
app.MapActions();
app.MapConnections();
app.MapSubscriptions();
app.MapPollingTick();

app.Run();

/// <summary>The app's entry point; public so tests can host it.</summary>
public partial class Program;
