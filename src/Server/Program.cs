using Patchbay.Platform.Actions;
using Patchbay.Platform.Catalog;
using Patchbay.Platform.Connect;
using Patchbay.Platform.Connections;
using Patchbay.Platform.Hosting;
using Patchbay.Platform.Mcp;
using Patchbay.Platform.OAuth;
using Patchbay.Platform.Subscriptions;
using Patchbay.Server.Hosting;
using Scalar.AspNetCore;

// The slim builder: the default builder less what this host never uses and pays for at start-up (HTTP/3 and its QUIC
// probe, IIS integration, hosting-startup assemblies); HTTPS endpoints (--urls https://..., Kestrel's certificate
// settings) stay supported. bench/RESULTS.md, start-up.
WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseKestrelHttpsConfiguration();
builder.AddPatchbayServer();

WebApplication app = builder.Build();
app.UsePatchbayServer();

// A name at the root, for a load balancer's or container's probe; no key needed. Standalone only.
app.MapGet("/", () => TypedResults.Ok(new RootAnswer("patchbay"))).ExcludeFromDescription();
app.MapHealth();
// The API reference is standalone only: under the Functions host every route is a function, and these are not.
app.MapOpenApi("/api/openapi/{documentName}.json");
app.MapScalarApiReference(StandaloneHosting.DocsPath, StandaloneHosting.ConfigureReferencePage);

app.MapCatalog();
app.MapActions();
app.MapConnections();
app.MapOAuth();
app.MapConnect();
app.MapSubscriptions();
app.MapPatchbayMcp();
// Last, after every route and convention: the endpoints are built on the thread pool while the host starts (RouteWarmUp).
app.BuildEndpointsWhileStarting();

app.Run();

/// <summary>The app's entry point; public so tests can host it.</summary>
public partial class Program;

/// <summary>The answer at <c>/</c>: <c>{"name":"patchbay"}</c>.</summary>
internal sealed record RootAnswer([property: System.Text.Json.Serialization.JsonPropertyName("name")] string Name);
