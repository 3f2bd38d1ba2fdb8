// The reference of the start-up bench (bench/Patchbay.Benchmarks/Startup): an empty minimal API with one health route,
// built as src/Server builds its host (the slim builder with Kestrel's HTTPS configuration) and published the same way.
// Whatever else Patchbay's start-up costs is Patchbay's own share.
WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseKestrelHttpsConfiguration();
WebApplication app = builder.Build();
app.MapGet("/api/health", () => TypedResults.Ok(new HealthAnswer("healthy")));
app.Run();

internal sealed record HealthAnswer(string Status);
