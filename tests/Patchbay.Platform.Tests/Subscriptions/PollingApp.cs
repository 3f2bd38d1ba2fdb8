using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Trace;
using Patchbay.Server.Polling;
using Patchbay.Connectors.Testing;
using Patchbay.Platform.Catalog;
using Patchbay.Platform.Connections;
using Patchbay.Platform.Hosting;
using Patchbay.Platform.Polling;
using Patchbay.Platform.Storage;
using Patchbay.Platform.Subscriptions;
using Patchbay.Sdk;
using Patchbay.Sdk.Fetch;
using Patchbay.Testing;

namespace Patchbay.Platform.Tests.Subscriptions;

/// <summary>
/// The app with a <see cref="FakeTimeProvider"/> for the poller (no background schedule: tests run ticks themselves),
/// a real Azurite, an upstream serving feeds the tests change, and a webhook receiver that verifies every signature.
/// </summary>
public sealed class PollingApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string ApiKey = "polling-test-key-0123456789";
    public static readonly string EncryptionKeys = "k1:" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public AzuriteFixture Azurite { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero));

    public CrashingFaults Faults { get; } = new();

    /// <summary>Every HTTP request the app sends to the Table endpoint (each try), for tests that count them.</summary>
    public TableRequestLog TableRequests { get; } = new();

    public LoopbackServer Upstream { get; private set; } = null!;

    public LoopbackServer Receiver { get; private set; } = null!;

    public ConcurrentDictionary<string, Feed> Feeds { get; } = new();

    public ConcurrentDictionary<string, Hook> Hooks { get; } = new();

    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>Every span the test's tracer provider exported (the "Patchbay" source and ASP.NET Core's requests), through OpenTelemetry's in-memory exporter.</summary>
    public SpanLog Spans { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    public Poller Poller => Services.GetRequiredService<Poller>();

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        Upstream = await LoopbackServer.StartAsync(MapUpstream);
        Receiver = await LoopbackServer.StartAsync(MapReceiver);
        UseKestrel(); // the address from "urls" in ConfigureWebHost: UseKestrel(0) races the bind (dotnet/aspnetcore#67714)
        StartServer();
        Client = CreateClient();
        Client.DefaultRequestHeaders.Add("x-functions-key", ApiKey);
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Upstream.DisposeAsync();
        await Receiver.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    /// <summary>Empties the subscription tables so one test's subscriptions never show up in another's ticks.</summary>
    public async Task ResetAsync()
    {
        Faults.CrashAt = null;
        TableServiceClient tables = Services.GetRequiredService<StorageClients>().Tables;
        foreach (string name in new[] { SubscriptionStore.TableName, SubscriptionStore.DueTableName })
        {
            TableClient table = tables.GetTableClient(name);
            await table.CreateIfNotExistsAsync();
            await foreach (TableEntity row in table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
            {
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All);
            }
        }
    }

    public Task<PollingTickResult> TickAsync() => Poller.RunTickAsync();

    /// <summary>A feed with a fresh name, its items, and its base_url for the <c>items</c> triggers.</summary>
    public Feed NewFeed(params int[] ids)
    {
        var feed = new Feed("f" + Guid.NewGuid().ToString("N")[..10], Upstream.BaseAddress);
        foreach (int id in ids) feed.Add(id);
        Feeds[feed.Name] = feed;
        return feed;
    }

    public Hook NewHook()
    {
        var hook = new Hook("h" + Guid.NewGuid().ToString("N")[..10], Receiver.BaseAddress);
        Hooks[hook.Name] = hook;
        return hook;
    }

    public async Task<string> CreateConnectionAsync(string entityId = "user-1")
    {
        Connector connector = Services.GetRequiredService<ConnectorCatalog>().All.Single(c => c.Id == "upstream-test");
        ConnectorAuth auth = connector.ReadAuth(JsonSerializer.SerializeToElement(new { api_key = "good-key-123" }));
        Connection connection = await Services.GetRequiredService<ConnectionStore>().CreateAsync("upstream-test", entityId, auth, ConnectionStatus.Active, null, null, default);
        return connection.Id;
    }

    /// <summary>Subscribes <paramref name="hook"/> (or a queue) to <paramref name="feed"/>; remembers the signing secret on the hook.</summary>
    /// <param name="connectionId">The connection to subscribe with; a new one when not given.</param>
    public async Task<string> SubscribeAsync(Feed feed, Hook? hook = null, string? queue = null, bool deliverExisting = false, string trigger = "items", string entityId = "user-1", string? connectionId = null)
    {
        connectionId ??= await CreateConnectionAsync(entityId);
        object destination = queue is null ? new { type = "webhook", url = hook!.Url } : new { type = "queue", name = queue };
        HttpResponseMessage response = await Client.PostAsync("/api/subscriptions", Http.Json(new
        {
            connector = "upstream-test",
            trigger,
            inputs = new { base_url = feed.BaseUrl },
            connection_id = connectionId,
            entity_id = entityId,
            destination,
            deliver_existing = deliverExisting,
        }));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        JsonElement created = await response.ReadJsonAsync();
        if (hook is not null) hook.Secret = created.GetProperty("signing_secret").GetString()!;
        return created.GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> GetSubscriptionAsync(string id)
    {
        HttpResponseMessage response = await Client.GetAsync($"/api/subscriptions/{id}");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("AzureWebJobsStorage", Azurite.ConnectionString);
        builder.UseSetting("Patchbay:ApiKeys", ApiKey);
        builder.UseSetting("Patchbay:EncryptionKeys", EncryptionKeys);
        builder.UseSetting("Patchbay:AllowPrivateNetworks", "true");
        builder.UseSetting("Patchbay:PollingConcurrency", "4");
        builder.UseSetting("PollingSchedule", "0 */1 * * * *");
        builder.ConfigureLogging(logging => logging.AddProvider(new ListLoggerProvider(Logs)));
        builder.ConfigureServices(services =>
        {
            services.AddSingleton(new ConnectorRegistration(Connector.FromAssembly(typeof(PollingApp).Assembly)));
            // No exporter is configured, so the host registers no tracing (AddPatchbayTelemetry); the tests read spans through
            // their own tracer provider, with what the host traces when one is: Patchbay's source and ASP.NET Core's requests.
            services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(PatchbayTelemetry.SourceName).AddAspNetCoreInstrumentation().AddInMemoryExporter(Spans));
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
            services.RemoveAll<PollerFaults>();
            services.AddSingleton<PollerFaults>(Faults);
            // The app's own storage clients, with a policy that logs each Table request.
            ServiceDescriptor storage = services.Single(d => d.ServiceType == typeof(StorageClients));
            services.Remove(storage);
            services.AddSingleton(sp =>
            {
                var original = (StorageClients)storage.ImplementationFactory!(sp);
                var tableOptions = new TableClientOptions();
                tableOptions.AddPolicy(TableRequests, Azure.Core.HttpPipelinePosition.PerRetry);
                return new StorageClients(new TableServiceClient(Azurite.ConnectionString, tableOptions), original.Queues, original.Guard);
            });
            foreach (ServiceDescriptor scheduler in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(PollingScheduler)).ToList())
            {
                services.Remove(scheduler);
            }

            // Upstream calls run on the real clock (fast retries); the poller's schedule runs on the fake one.
            services.RemoveAll<FetchClient>();
            services.AddSingleton(sp => new FetchClient(
                new FetchOptions { AllowPrivateNetworks = true, Timeout = TimeSpan.FromSeconds(5), MaxRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(5) },
                TimeProvider.System,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("Patchbay.Fetch")));
        });
    }

    private void MapUpstream(WebApplication app)
    {
        app.MapGet("/feeds/{name}/items", async (string name, HttpResponse response) =>
        {
            Feed feed = Feeds[name];
            feed.CountCall();
            if (feed.DuringPoll is { } during) await during();
            switch (feed.Mode)
            {
                case FeedMode.RateLimited:
                    response.Headers.RetryAfter = "120";
                    return Results.Json(new { message = "slow down" }, statusCode: 429);
                case FeedMode.Failing:
                    return Results.Json(new { message = "boom" }, statusCode: 500);
                default:
                    return Results.Json(feed.Items.ToArray().Select(id => new { id, name = "item " + id }));
            }
        });
    }

    private void MapReceiver(WebApplication app)
    {
        app.MapPost("/hooks/{name}", async (string name, HttpRequest request) =>
        {
            Hook hook = Hooks[name];
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            string body = await reader.ReadToEndAsync();
            string eventId = request.Headers[DeliveryFormat.EventIdHeader].ToString();
            string timestamp = request.Headers[DeliveryFormat.TimestampHeader].ToString();
            string signature = request.Headers[DeliveryFormat.SignatureHeader].ToString();
            bool verified = WebhookSignature.Verify(hook.Secret, timestamp, body, signature);
            hook.Attempts.Enqueue(eventId);
            if (!verified)
            {
                hook.BadSignatures.Enqueue(eventId);
                return Results.StatusCode(401);
            }

            if (hook.ShouldFail()) return Results.StatusCode(503);
            using JsonDocument document = JsonDocument.Parse(body);
            hook.Received.Enqueue(new Received(eventId, document.RootElement.Clone()));
            return Results.Ok();
        });
    }

    private sealed class ListLoggerProvider(ConcurrentQueue<string> sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(categoryName, sink);

        public void Dispose() { }

        private sealed class ListLogger(string category, ConcurrentQueue<string> sink) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                sink.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }
}

/// <summary>Logs each Table Storage request as <c>{method} {path}</c> (the path names the table, or <c>$batch</c>).</summary>
public sealed class TableRequestLog : Azure.Core.Pipeline.HttpPipelineSynchronousPolicy
{
    private ConcurrentQueue<string> _requests = new();

    private ConcurrentQueue<(string Query, string Answer)> _reads = new();

    public IReadOnlyList<string> Requests => [.. _requests];

    /// <summary>Every query (GET) since the last reset: its decoded path and query string, and the answer's body as text.</summary>
    public IReadOnlyList<(string Query, string Answer)> Reads => [.. _reads];

    public void Reset()
    {
        _requests = new ConcurrentQueue<string>();
        _reads = new ConcurrentQueue<(string, string)>();
    }

    public override void OnSendingRequest(Azure.Core.HttpMessage message) =>
        _requests.Enqueue($"{message.Request.Method} {Uri.UnescapeDataString(message.Request.Uri.Path)}");

    public override void OnReceivedResponse(Azure.Core.HttpMessage message)
    {
        if (message.Request.Method != Azure.Core.RequestMethod.Get || message.Response.ContentStream is not MemoryStream buffered) return;
        _reads.Enqueue((Uri.UnescapeDataString(message.Request.Uri.PathAndQuery), System.Text.Encoding.UTF8.GetString(buffered.ToArray())));
    }
}

public enum FeedMode
{
    Ok,
    RateLimited,
    Failing,
}

/// <summary>An upstream feed: <c>GET /feeds/{name}/items</c> answers its items (or a 429/500 in the other modes) and counts calls.</summary>
public sealed class Feed(string name, Uri upstream)
{
    private int _calls;

    public string Name { get; } = name;

    public string BaseUrl { get; } = new Uri(upstream, $"feeds/{name}").ToString();

    public ConcurrentQueue<int> Items { get; } = new();

    public FeedMode Mode { get; set; }

    /// <summary>Runs while the upstream answers a poll (to act in the middle of a tick).</summary>
    public Func<Task>? DuringPoll { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public void CountCall() => Interlocked.Increment(ref _calls);

    public void Add(int id) => Items.Enqueue(id);
}

/// <summary>A webhook receiver that verifies the signature of every delivery and can fail on purpose.</summary>
public sealed class Hook(string name, Uri receiver)
{
    private int _failuresLeft;

    /// <summary>How many deliveries to refuse (503) before accepting.</summary>
    public int FailuresLeft
    {
        get => Volatile.Read(ref _failuresLeft);
        set => Volatile.Write(ref _failuresLeft, value);
    }

    /// <summary>Whether to refuse this delivery (consumes one of <see cref="FailuresLeft"/>).</summary>
    public bool ShouldFail() => Interlocked.Decrement(ref _failuresLeft) >= 0;

    public string Name { get; } = name;

    public string Url { get; } = new Uri(receiver, $"hooks/{name}").ToString();

    public string Secret { get; set; } = "";

    /// <summary>Every request's event id, accepted or not.</summary>
    public ConcurrentQueue<string> Attempts { get; } = new();

    public ConcurrentQueue<string> BadSignatures { get; } = new();

    /// <summary>Deliveries answered 200, with verified signatures.</summary>
    public ConcurrentQueue<Received> Received { get; } = new();

    public IEnumerable<string> RecordIds => Received.Select(r => r.Body.GetProperty("record").GetProperty("id").GetRawText());
}

public sealed record Received(string EventId, JsonElement Body);

/// <summary>Throws at the chosen point once, as if the process died there.</summary>
public sealed class CrashingFaults : PollerFaults
{
    public PollerFaultPoint? CrashAt { get; set; }

    public override ValueTask OnAsync(PollerFaultPoint point, string subscriptionId, CancellationToken cancellationToken)
    {
        if (CrashAt == point)
        {
            CrashAt = null;
            throw new InvalidOperationException($"Simulated crash at {point}");
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>How a receiver checks a delivery (the same code docs/polling.md shows).</summary>
public static class WebhookSignature
{
    public static bool Verify(string secret, string timestamp, string body, string signature)
    {
        byte[] expected = System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        byte[] presented;
        try
        {
            presented = signature.StartsWith("sha256=", StringComparison.Ordinal) ? Convert.FromHexString(signature["sha256=".Length..]) : [];
        }
        catch (FormatException)
        {
            return false;
        }

        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(expected, presented);
    }
}

[CollectionDefinition(Name)]
public sealed class PollingAppCollection : ICollectionFixture<PollingApp>
{
    public const string Name = "Polling app";
}
