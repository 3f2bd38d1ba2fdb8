using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Patchbay.Connectors.Testing;

namespace Patchbay.Client.Tests;

/// <summary>The client's retries and bounds, against a loopback server standing in for a Patchbay app that misbehaves.</summary>
public sealed class ResilienceTests
{
    [Fact]
    public async Task IdempotentCalls_AreRetriedOn503_ThenSucceed()
    {
        var calls = new ConcurrentDictionary<string, int>();
        await using LoopbackServer server = await LoopbackServer.StartAsync(app => app.MapGet("/api/connectors", () =>
            calls.AddOrUpdate("get", 1, (_, n) => n + 1) < 3 ? Results.Problem(statusCode: 503, detail: "storage is unreachable") : Results.Json(Array.Empty<object>())));
        PatchbayClient client = Client(server);
        Assert.Empty(await client.GetConnectorsAsync());
        Assert.Equal(3, calls["get"]);
    }

    [Fact]
    public async Task Posts_AreNeverRetried()
    {
        var calls = new ConcurrentDictionary<string, int>();
        await using LoopbackServer server = await LoopbackServer.StartAsync(app => app.MapPost("/api/connectors/http/actions/request", () =>
        {
            calls.AddOrUpdate("post", 1, (_, n) => n + 1);
            return Results.Problem(statusCode: 503, detail: "storage is unreachable");
        }));
        var error = await Assert.ThrowsAsync<PatchbayException>(() => Client(server).ExecuteActionAsync("http", "request", new { url = "https://example.com" }));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.Status);
        Assert.Equal("storage is unreachable", error.Detail);
        Assert.Equal(1, calls["post"]);
    }

    [Fact]
    public async Task ARetryAfterLongerThanTheBound_FailsAtOnce()
    {
        var calls = new ConcurrentDictionary<string, int>();
        await using LoopbackServer server = await LoopbackServer.StartAsync(app => app.MapGet("/api/connectors", (HttpResponse response) =>
        {
            calls.AddOrUpdate("get", 1, (_, n) => n + 1);
            response.Headers.RetryAfter = "3600";
            return Results.Problem(statusCode: 429);
        }));
        var error = await Assert.ThrowsAsync<PatchbayException>(() => Client(server).GetConnectorsAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, error.Status);
        Assert.Equal(1, calls["get"]);
    }

    [Fact]
    public async Task ACallThatOutlivesTheTimeout_IsAPatchbayExceptionNamingTheSetting()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(app => app.MapGet("/api/connectors", async (CancellationToken cancellationToken) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return Results.Ok();
        }));
        PatchbayClient client = new(new PatchbayClientOptions { Endpoint = server.BaseAddress, Timeout = TimeSpan.FromSeconds(1), MaxRetries = 0 });
        var error = await Assert.ThrowsAsync<PatchbayException>(() => client.GetConnectorsAsync());
        Assert.Contains("PatchbayClientOptions.Timeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableApp_IsAPatchbayExceptionNamingTheEndpoint()
    {
        Uri endpoint;
        await using (LoopbackServer server = await LoopbackServer.StartAsync(_ => { })) endpoint = server.BaseAddress;
        PatchbayClient client = new(new PatchbayClientOptions { Endpoint = endpoint, MaxRetries = 1, RetryDelay = TimeSpan.Zero });
        var error = await Assert.ThrowsAsync<PatchbayException>(() => client.GetConnectorsAsync());
        Assert.Null(error.Status);
        Assert.Contains(endpoint.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_AreCheckedWhenTheClientIsMade()
    {
        Assert.Throws<ArgumentException>(() => new PatchbayClient(new PatchbayClientOptions()));
        Assert.Throws<ArgumentException>(() => new PatchbayClient(new PatchbayClientOptions { Endpoint = new Uri("ftp://example.com") }));
        Assert.Throws<ArgumentException>(() => new PatchbayClient(new PatchbayClientOptions { Endpoint = new Uri("http://x"), MaxRetries = 50 }));
    }

    private static PatchbayClient Client(LoopbackServer server) =>
        new(new PatchbayClientOptions { Endpoint = server.BaseAddress, ApiKey = "k", RetryDelay = TimeSpan.FromMilliseconds(1) });
}
