// The reference of the start-up bench (bench/startup.sh): an empty minimal API with one health route, built with the
// same builder (WebApplication.CreateBuilder) and the same settings as src/Server. Everything else Patchbay's start-up
// does is its own share.
WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
WebApplication app = builder.Build();
app.MapGet("/api/health", () => TypedResults.Ok(new { status = "healthy" }));
app.Run();
