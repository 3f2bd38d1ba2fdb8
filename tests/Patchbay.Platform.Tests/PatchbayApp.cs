using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Patchbay.Connectors.Testing;
using Patchbay.Platform.Catalog;
using Patchbay.Sdk;
using Patchbay.Sdk.Fetch;
using Patchbay.Testing;

namespace Patchbay.Platform.Tests;

/// <summary>
/// The real app on Kestrel (loopback, real HTTP), its state in a real Azurite, the test connector
/// registered beside the shipped ones, and a loopback upstream it calls. Logs are captured for assertions.
/// </summary>
public sealed class PatchbayApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string ApiKey = "test-api-key-0123456789";
    /// <summary>A redirect_uri on Patchbay__OAuth__AllowedRedirectUris.</summary>
    public const string AllowedRedirectUri = "https://app.example/connected?from=patchbay";

    public static readonly string EncryptionKeys = "k1:" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public AzuriteFixture Azurite { get; } = new();

    public LoopbackServer Upstream { get; private set; } = null!;

    public ConcurrentQueue<string> Logs { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    /// <summary>Per-test switches for the upstream's behaviour.</summary>
    public ConcurrentDictionary<string, int> Counters { get; } = new();

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        Upstream = await LoopbackServer.StartAsync(MapUpstream);
        TestConnector.Account.BaseUrl = Upstream.BaseAddress.ToString();
        // Not UseKestrel(0): that makes the factory rewrite the server's addresses while the app binds them, a race
        // (dotnet/aspnetcore#67714: "IServerAddressesFeature.Addresses cannot be modified after the server has started").
        // The address comes from the "urls" setting below instead.
        UseKestrel();
        StartServer();
        Client = CreateClient();
        Client.DefaultRequestHeaders.Add("x-functions-key", ApiKey);
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Upstream.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    public HttpClient CreateAnonymousClient() => CreateClient();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("AzureWebJobsStorage", Azurite.ConnectionString);
        builder.UseSetting("Patchbay:ApiKeys", ApiKey + ",second-key-abcdef");
        builder.UseSetting("Patchbay:EncryptionKeys", EncryptionKeys);
        builder.UseSetting("Patchbay:AllowPrivateNetworks", "true");
        builder.UseSetting("Patchbay:MaxRequestBytes", "1048576");
        builder.UseSetting("PollingSchedule", "0 0 0 1 1 *");
        builder.UseSetting("Patchbay:OAuth:AllowedRedirectUris", AllowedRedirectUri + ",https://other.example/done");
        // Patchbay's per-request lines are Debug (Information would cost more than the request under load); capture them too.
        builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(Logs)).AddFilter<CapturingLoggerProvider>("Patchbay", LogLevel.Debug));
        builder.ConfigureServices(services =>
        {
            services.AddSingleton(new ConnectorRegistration(Connector.FromAssembly(typeof(PatchbayApp).Assembly)));
            // Short backoff so the retry tests take milliseconds, not minutes. The timeout stays long enough for a loaded
            // machine (a 500 ms one risked 504s for ordinary calls in a busy run); the timeout test asks for a short one itself.
            services.RemoveAll<FetchClient>();
            services.AddSingleton(sp => new FetchClient(
                new FetchOptions { AllowPrivateNetworks = true, Timeout = TimeSpan.FromSeconds(10), MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(5) },
                TimeProvider.System,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("Patchbay.Fetch")));
        });
    }

    private void MapUpstream(WebApplication app)
    {
        app.MapGet("/things", (HttpRequest request) =>
            request.Headers["X-Api-Key"] == "good-key-123" ? Results.Json(new { items = new[] { 1, 2, 3 } }) : Results.Json(new { error = "bad key" }, statusCode: 401));
        app.MapGet("/fail", () => Results.Json(new { error = "boom" }, statusCode: 500));
        app.MapGet("/words", () => Results.Json(new { text = ActionsApiTests.Words }));
        app.MapGet("/slow", async (CancellationToken cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
            return Results.Ok();
        });
        app.MapGet("/limited", (HttpResponse response) =>
        {
            response.Headers.RetryAfter = "120";
            return Results.Json(new { message = "slow down" }, statusCode: 429);
        });
        app.MapGet("/hang-until-cancelled", async (CancellationToken cancellationToken) =>
        {
            Counters.AddOrUpdate("hang-started", 1, (_, n) => n + 1);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Counters.AddOrUpdate("hang-cancelled", 1, (_, n) => n + 1);
                throw;
            }

            return Results.Ok();
        });
        // JSON as some servers write it: spaced out, with escapes a writer need not use (the http connector copies it into its result).
        // JSON nested as deep as JsonDocument reads by default (64 levels): valid, and the deepest an answer may be.
        app.MapGet("/deep-json", () => Results.Text(new string('[', 64) + new string(']', 64), "application/json"));
        app.MapGet("/spaced-json", () => Results.Text("{\n  \"text\" : \"l\\u0027\\u00e9t\\u00e9 \\/ <b>\",\n  \"n\" : [ 1 , 2.50 ]\n}\n", "application/json"));
        // "JSON" whose bytes are not UTF-8 (a Latin-1 é).
        app.MapGet("/not-utf8", () => Results.Bytes([.. "{\"name\":\"caf"u8, 0xE9, .. "\"}"u8], "application/json"));
        app.MapGet("/items", () => Results.Json(new[] { new { id = 1, name = "a" }, new { id = 2, name = "b" } }));
        app.MapGet("/me", (HttpContext context) =>
        {
            // "me-down" > 0: the service is unreachable (every connection is reset), as for a connection created without network.
            if (Counters.TryGetValue("me-down", out int down) && down > 0)
            {
                context.Abort();
                return Results.Empty;
            }

            return context.Request.Headers["X-Api-Key"] == "good-key-123" ? Results.Json(new { login = "ada", id = 42, name = "Ada Lovelace" }) : Results.Json(new { message = "Bad credentials" }, statusCode: 401);
        });
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> sink) : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, sink, () => _scopes);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose() { }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> sink, Func<IExternalScopeProvider> scopes) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => scopes().Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new System.Text.StringBuilder($"{logLevel} {category}: {formatter(state, exception)}");
            scopes().ForEachScope((scope, builder) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (KeyValuePair<string, object?> pair in pairs) builder.Append($" [{pair.Key}={pair.Value}]");
                }
                else
                {
                    builder.Append($" [{scope}]");
                }
            }, line);
            if (exception is not null) line.Append(' ').Append(exception);
            sink.Enqueue(line.ToString());
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PatchbayAppCollection : ICollectionFixture<PatchbayApp>
{
    public const string Name = "Patchbay app";
}
