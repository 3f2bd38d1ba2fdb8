using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Patchbay.Platform.Polling;
using Patchbay.Platform.Storage;

namespace Patchbay.Platform.Tests.Storage;

/// <summary>
/// Issue 10 item 10: storage that is down or frozen answers 503 (problem details, Retry-After, "storage is unreachable")
/// within Patchbay__StorageTimeoutSeconds; /api/health stays liveness and /api/health/ready reports storage.
/// Each test runs its own app and Azurite, so stopping or freezing it touches no other test.
/// </summary>
public class Issue10StorageFaultTests
{
    private const string AConnection = "con_0123456789abcdef0123456789abcdef";
    private const string ASubscription = "sub_0123456789abcdef0123456789abcdef";

    private static readonly (HttpMethod Method, string Path, object? Body)[] StorageRoutes =
    [
        (HttpMethod.Post, "/api/connections", new { connector = "http", entity_id = "user-fault", credentials = new { auth_method = "none" } }),
        (HttpMethod.Get, $"/api/connections/{AConnection}", null),
        (HttpMethod.Get, "/api/connections?entity_id=user-fault", null),
        (HttpMethod.Delete, $"/api/connections/{AConnection}", null),
        (HttpMethod.Post, "/api/connectors/http/actions/request", new { inputs = new { url = "http://127.0.0.1:9/x" }, connection_id = AConnection }),
        (HttpMethod.Post, "/api/subscriptions", new
        {
            connector = "rss", trigger = "new_items", inputs = new { url = "http://127.0.0.1:9/feed.xml" }, entity_id = "user-fault",
            destination = new { type = "webhook", url = "http://127.0.0.1:9/hook" },
        }),
        (HttpMethod.Get, $"/api/subscriptions/{ASubscription}", null),
        (HttpMethod.Get, "/api/subscriptions?entity_id=user-fault", null),
        (HttpMethod.Get, $"/api/subscriptions/{ASubscription}/events", null),
        (HttpMethod.Post, $"/api/subscriptions/{ASubscription}/resume", null),
        (HttpMethod.Delete, $"/api/subscriptions/{ASubscription}", null),
    ];

    [Fact]
    public async Task Item10_StorageStopped_EveryStorageRouteAnswers503_HealthStaysLive_ReadyIs503()
    {
        var app = new StorageFaultApp();
        await app.InitializeAsync();
        try
        {
            // Healthy first, so the app has made (and could have cached) its tables.
            await app.WaitUntilReadyAsync();
            HttpResponseMessage created = await app.Client.PostAsync("/api/connections", Http.Json(new { connector = "http", entity_id = "user-fault", credentials = new { auth_method = "none" } }));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            await app.Azurite.DisposeAsync();

            await AssertStorageUnavailableEverywhereAsync(app);
            await Assert.ThrowsAsync<StorageUnavailableException>(() => app.Services.GetRequiredService<Poller>().RunTickAsync().WaitAsync(StorageFaultApp.HangGuard));
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Item10_StorageFrozen_EveryStorageRouteAnswers503WithinTheBound_AndRecoversWhenItThaws()
    {
        var app = new StorageFaultApp();
        await app.InitializeAsync();
        try
        {
            await app.WaitUntilReadyAsync();
            app.Freeze(true);
            try
            {
                await AssertStorageUnavailableEverywhereAsync(app);
                await Assert.ThrowsAsync<StorageUnavailableException>(() => app.Services.GetRequiredService<Poller>().RunTickAsync().WaitAsync(StorageFaultApp.HangGuard));
            }
            finally
            {
                app.Freeze(false);
            }

            await app.WaitUntilReadyAsync();
            HttpResponseMessage created = await app.Client.PostAsync("/api/connections", Http.Json(new { connector = "http", entity_id = "user-fault", credentials = new { auth_method = "none" } }));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Item10_Ready_IsAnonymousAndReportsStorage_HealthNeverTouchesIt()
    {
        var app = new StorageFaultApp();
        await app.InitializeAsync();
        try
        {
            await app.WaitUntilReadyAsync();
            HttpClient anonymous = app.CreateAnonymousClient();
            HttpResponseMessage ready = await anonymous.GetAsync("/api/health/ready");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            JsonElement body = await ready.ReadJsonAsync();
            Assert.Equal("ready", body.GetProperty("status").GetString());
            Assert.Equal("reachable", body.GetProperty("storage").GetString());

            // Other routes still need the key.
            await (await anonymous.GetAsync("/api/connections?entity_id=u")).ProblemAsync(401);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static async Task AssertStorageUnavailableEverywhereAsync(StorageFaultApp app)
    {
        HttpClient anonymous = app.CreateAnonymousClient();
        Task<HttpResponseMessage> health = anonymous.GetAsync("/api/health");
        Task<HttpResponseMessage> ready = anonymous.GetAsync("/api/health/ready");
        Task<HttpResponseMessage>[] calls = [.. StorageRoutes.Select(route =>
        {
            var request = new HttpRequestMessage(route.Method, route.Path);
            if (route.Body is not null) request.Content = Http.Json(route.Body);
            return app.Client.SendAsync(request);
        })];

        Assert.Equal(HttpStatusCode.OK, (await health).StatusCode);
        await AssertUnavailableAsync(await ready, "GET /api/health/ready");
        for (int i = 0; i < calls.Length; i++)
        {
            await AssertUnavailableAsync(await calls[i], $"{StorageRoutes[i].Method} {StorageRoutes[i].Path}");
        }
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response, string route)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{route} answered {(int)response.StatusCode}: {text}");
        JsonElement problem = await response.ProblemAsync(503);
        Assert.Equal("urn:patchbay:problem:storage-unavailable", problem.GetProperty("type").GetString());
        Assert.Contains("storage is unreachable", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
    }
}
