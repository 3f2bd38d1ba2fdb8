// The reference of bench/load/run.sh: a bare minimal-API proxy doing the least an action platform must per request.
// POST /proxy with {"inputs":{"url":"http://127.0.0.1:8089/data.json"}}: ProxyHandler. No logging per request, no
// validation, no guard.
WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddHttpClient("upstream");
WebApplication app = builder.Build();

app.MapPost("/proxy", Patchbay.Bench.ProxyHandler.HandleAsync);

app.Run();
