using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Patchbay.Sdk.Tests.SampleConnector;

/// <summary>The sample connector's upstream: a real Kestrel server on loopback that checks the API key.</summary>
public sealed class NotesServer : IAsyncLifetime
{
    public const string ApiKey = "secret-key-123";
    private WebApplication? _app;

    public ConcurrentQueue<string> Requests { get; } = new();

    public List<JsonElement> Notes { get; } = [];

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Use(async (context, next) =>
        {
            Requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
            if (context.Request.Headers["X-Api-Key"] != ApiKey)
            {
                context.Response.StatusCode = 401;
                await context.Response.WriteAsJsonAsync(new { error = "bad key" });
                return;
            }

            await next(context);
        });
        _app.MapGet("/notes", (int? limit) => Results.Json(Notes.Take(limit ?? 100)));
        _app.MapPost("/notes", async (HttpRequest request) =>
        {
            JsonElement body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            return Results.Json(new
            {
                id = 42,
                title = body.GetProperty("title").GetString(),
                pinned = body.GetProperty("pinned").GetBoolean(),
                priority = body.GetProperty("priority").GetInt32(),
                weights = body.GetProperty("weights"),
            }, statusCode: 201);
        });
        _app.MapGet("/notes/{id:int}", (int id) => id == 1 ? Results.Json(new { id = 1, title = "first" }) : Results.NotFound(new { error = "not_found" }));
        _app.MapGet("/me", () => Results.Json(new { email = "ada@example.test", login = "ada" }));
        await _app.StartAsync();
        string address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
