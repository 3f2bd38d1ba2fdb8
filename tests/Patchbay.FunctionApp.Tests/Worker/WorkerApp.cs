using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Patchbay.Connectors.Testing;
using Patchbay.Platform.Polling;
using Patchbay.Testing;
using Patchbay.Testing.Functions;

namespace Patchbay.FunctionApp.Tests.Worker;

/// <summary>
/// The real, built isolated worker (src/FunctionApp) started by the Functions host double, its state in a real Azurite,
/// with a loopback upstream the http connector calls and a loopback webhook receiver the poller delivers to.
/// One worker for every test of the collection (a start takes seconds on a loaded machine).
/// </summary>
/// <remarks>
/// Under Azure Functions the host checks function keys (authLevel Function) before a request reaches the worker; the
/// double does not check them (see its README), so these tests send no key. The key check of the standalone host is
/// tested in Patchbay.Platform.Tests.
/// </remarks>
public sealed class WorkerApp : IAsyncLifetime
{
    /// <summary>Never due during a test: the tests run ticks with <see cref="FunctionsHostDouble.InvokeTimerAsync"/>.</summary>
    public const string PollingSchedule = "0 0 0 1 1 *";

    /// <summary>The Storage queue the worker's tick writes poll batches to (its PollingBatch function reads it).</summary>
    public const string PollingQueue = "patchbay-polls";

    /// <summary>The bearer token the http connection carries to the upstream.</summary>
    public const string UpstreamToken = "worker-test-token-0123456789";

    private FunctionsHostDouble? _host;

    public AzuriteFixture Azurite { get; } = new();

    public LoopbackServer Upstream { get; private set; } = null!;

    public LoopbackServer Receiver { get; private set; } = null!;

    /// <summary>Items the upstream's <c>GET /items/{feed}</c> answers, per feed.</summary>
    public ConcurrentDictionary<string, int[]> Feeds { get; } = new();

    /// <summary>Every webhook delivery the receiver got, per hook name.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<Delivery>> Deliveries { get; } = new();

    public FunctionsHostDouble Host => _host ?? throw new InvalidOperationException("The worker did not start.");

    /// <summary>The worker's settings, as a Function App's app settings (environment variables of the worker process).</summary>
    public static FunctionsHostDoubleOptions Options(string storage)
    {
        var options = new FunctionsHostDoubleOptions { WorkerDirectory = WorkerOutput.Directory };
        options.AppSettings["AzureWebJobsStorage"] = storage;
        options.AppSettings["PollingSchedule"] = PollingSchedule;
        options.AppSettings["PollingQueue"] = PollingQueue;
        options.AppSettings["Patchbay__EncryptionKeys"] = "k1:" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        options.AppSettings["Patchbay__AllowPrivateNetworks"] = "true";
        return options;
    }

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        Upstream = await LoopbackServer.StartAsync(MapUpstream);
        Receiver = await LoopbackServer.StartAsync(MapReceiver);
        _host = await FunctionsHostDouble.StartAsync(Options(Azurite.ConnectionString));
    }

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        if (Upstream is not null) await Upstream.DisposeAsync();
        if (Receiver is not null) await Receiver.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    /// <summary>A feed with a fresh name answering <paramref name="ids"/>; its URL for the http connector's json_items.</summary>
    public string NewFeed(params int[] ids)
    {
        string name = "f" + Guid.NewGuid().ToString("N")[..10];
        Feeds[name] = ids;
        return new Uri(Upstream.BaseAddress, "items/" + name).ToString();
    }

    /// <summary>A webhook with a fresh name; its deliveries collect in <see cref="Deliveries"/>.</summary>
    public (string Name, string Url) NewHook()
    {
        string name = "h" + Guid.NewGuid().ToString("N")[..10];
        Deliveries[name] = new ConcurrentQueue<Delivery>();
        return (name, new Uri(Receiver.BaseAddress, "hooks/" + name).ToString());
    }

    private void MapUpstream(WebApplication app)
    {
        app.MapGet("/echo/{word}", (string word, HttpRequest request) =>
            Results.Json(new { word, authorization = request.Headers.Authorization.ToString(), query = request.QueryString.Value }));
        app.MapGet("/items/{feed}", (string feed) =>
            Feeds.TryGetValue(feed, out int[]? ids) ? Results.Json(ids.Select(id => new { id, name = "item " + id })) : Results.NotFound());
    }

    private void MapReceiver(WebApplication app)
    {
        app.MapPost("/hooks/{name}", async (string name, HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            string body = await reader.ReadToEndAsync();
            var delivery = new Delivery(
                request.Headers[DeliveryFormat.EventIdHeader].ToString(),
                request.Headers[DeliveryFormat.TimestampHeader].ToString(),
                request.Headers[DeliveryFormat.SignatureHeader].ToString(),
                body);
            Deliveries.GetOrAdd(name, _ => new ConcurrentQueue<Delivery>()).Enqueue(delivery);
            return Results.Ok();
        });
    }
}

/// <summary>One webhook delivery as the receiver got it.</summary>
public sealed record Delivery(string EventId, string Timestamp, string Signature, string Body)
{
    /// <summary>The delivered record's id, as JSON text (e.g. <c>1</c>).</summary>
    public string RecordId
    {
        get
        {
            using JsonDocument document = JsonDocument.Parse(Body);
            return document.RootElement.GetProperty("record").GetProperty("id").GetRawText();
        }
    }

    /// <summary>Whether the signature is the HMAC-SHA256 of <c>{timestamp}.{body}</c> with <paramref name="secret"/> (docs/polling.md).</summary>
    public bool IsSignedWith(string secret)
    {
        byte[] expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{Timestamp}.{Body}"));
        return Signature.StartsWith("sha256=", StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(Signature["sha256=".Length..]));
    }
}

/// <summary>The built worker's folder, recorded at build time by FunctionsWorker.targets.</summary>
internal static class WorkerOutput
{
    public static string Directory { get; } = FunctionsWorkerOutput.Find(typeof(WorkerOutput).Assembly, "Patchbay.FunctionApp");
}

[CollectionDefinition(Name)]
public sealed class WorkerAppCollection : ICollectionFixture<WorkerApp>
{
    public const string Name = "Patchbay worker under the Functions host double";
}
