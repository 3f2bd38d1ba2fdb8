using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Patchbay.Platform.Catalog;
using Patchbay.Platform.Hosting;
using Patchbay.Platform.Polling;
using Patchbay.Platform.Storage;
using Patchbay.Platform.Subscriptions;
using Patchbay.Sdk;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Benchmarks.Polling;

/// <summary>
/// <c>dotnet run -c Release --project bench/Patchbay.Benchmarks -- polling-tick [subscriptions] [concurrency]</c>:
/// one tick over N due subscriptions against a real Azurite, a loopback feed and a loopback webhook, three times
/// (baseline, one new record each, nothing new), reporting wall time and Table Storage requests per subscription.
/// </summary>
internal static class PollingTickBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        int count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        int concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
        using Process azurite = await StartAzuriteAsync();
        try
        {
            return await RunAsync(count, concurrency);
        }
        finally
        {
            azurite.Kill(entireProcessTree: true);
            await azurite.WaitForExitAsync();
        }
    }

    private static async Task<int> RunAsync(int count, int concurrency)
    {
        int round = 0;
        int feedCalls = 0;
        int webhookCalls = 0;
        await using WebApplication upstream = await StartLoopbackAsync(app =>
        {
            app.MapGet("/feeds/{n}/items", (string n) =>
            {
                Interlocked.Increment(ref feedCalls);
                return Results.Json(Enumerable.Range(1, 1 + Volatile.Read(ref round)).Select(i => new { id = $"{n}-{i}", name = "item " + i }));
            });
            app.MapPost("/hook", () =>
            {
                Interlocked.Increment(ref webhookCalls);
                return Results.Ok();
            });
        });
        string upstreamUrl = Address(upstream);

        var tableRequests = new CountingPolicy();
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(tableRequests, HttpPipelinePosition.PerRetry);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);

        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.Configuration["AzureWebJobsStorage"] = s_connectionString;
        builder.Configuration["Patchbay:EncryptionKeys"] = "bench:" + Convert.ToBase64String(new byte[32]);
        builder.Configuration["Patchbay:AllowPrivateNetworks"] = "true";
        builder.Configuration["Patchbay:PollingConcurrency"] = concurrency.ToString(CultureInfo.InvariantCulture);
        builder.Services.AddPatchbayPlatform(builder.Configuration);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(new StorageClients(new TableServiceClient(s_connectionString, tableOptions), new QueueServiceClient(s_connectionString)));
        builder.Services.AddSingleton(new ConnectorRegistration(BenchConnector()));
        builder.Services.RemoveAll<TimeProvider>();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.RemoveAll<FetchClient>();
        builder.Services.AddSingleton(new FetchClient(new FetchOptions { AllowPrivateNetworks = true }));
        await using WebApplication app = builder.Build();

        SubscriptionStore store = app.Services.GetRequiredService<SubscriptionStore>();
        Poller poller = app.Services.GetRequiredService<Poller>();
        var destination = new SubscriptionDestination { Type = SubscriptionDestination.Webhook, Url = upstreamUrl + "hook" };
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
        {
            string inputs = JsonSerializer.Serialize(new { base_url = $"{upstreamUrl}feeds/{i}" });
            await store.CreateAsync(new NewSubscription("bench-feed", "items", inputs, null, "bench", destination, DeliverExisting: false), token);
        });

        Console.WriteLine($"polling tick: {count} subscriptions, Patchbay__PollingConcurrency={concurrency}, Azurite {AzuriteVersion}, loopback feed and webhook");
        Console.WriteLine();
        Console.WriteLine("| tick | wall time | per subscription | feed calls | webhook deliveries | table requests | table requests per subscription |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (string name in new[] { "1: baseline (records remembered)", "2: one new record each (delivered)", "3: nothing new" })
        {
            time.Advance(TimeSpan.FromMinutes(1));
            tableRequests.Reset();
            int feedBefore = feedCalls, webhookBefore = webhookCalls;
            var stopwatch = Stopwatch.StartNew();
            PollingTickResult result = await poller.RunTickAsync();
            stopwatch.Stop();
            if (result.Polled != count || result.Errors != 0) throw new InvalidOperationException($"Tick {name} polled {result.Polled} of {count} ({result.Errors} errors): {result.Summary}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {stopwatch.Elapsed.TotalSeconds:0.00} s | {stopwatch.Elapsed.TotalMilliseconds / count:0.00} ms | {feedCalls - feedBefore} | {webhookCalls - webhookBefore} | {tableRequests.Count} | {(double)tableRequests.Count / count:0.00} |"));
            Interlocked.Increment(ref round);
            if (round > 1) round = 1;
        }

        return 0;
    }

    private static string s_connectionString = "";

    // Other benchmarks in this assembly register handlers too, so the connector names its own.
    private static Connector BenchConnector()
    {
        using Stream stream = typeof(PollingTickBench).Assembly.GetManifestResourceStream("polling-bench.config.json")!;
        using var reader = new StreamReader(stream);
        return Connector.Create(ConnectorManifest.Parse(reader.ReadToEnd(), "bench/Polling/config.json"), [typeof(BenchNoop), typeof(BenchItems)]);
    }
    private const string AzuriteVersion = "3.37.0";

    private static async Task<Process> StartAzuriteAsync()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Patchbay.slnx"))) root = Path.GetDirectoryName(root.TrimEnd('/')) ?? throw new InvalidOperationException("Run from inside the repository.");
        string azurite = Path.Combine(root, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite)) throw new InvalidOperationException($"Azurite is not installed at {azurite}; run `npm ci` in the repository root.");
        int blob = FreePort(), queue = FreePort(), table = FreePort();
        var start = new ProcessStartInfo(azurite)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "--inMemoryPersistence", "--skipApiVersionCheck", "--disableProductStyleUrl", "--silent", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", table.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        s_connectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (int port in new[] { blob, queue, table })
        {
            while (!await IsListeningAsync(port))
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException("Azurite did not start within 30 s.");
                await Task.Delay(100);
            }
        }

        return process;
    }

    private static async Task<WebApplication> StartLoopbackAsync(Action<WebApplication> map)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        map(app);
        await app.StartAsync();
        return app;
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Counts HTTP requests to the Table endpoint (each try, so retries count).</summary>
    private sealed class CountingPolicy : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Reset() => Volatile.Write(ref _count, 0);

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }
}

[Action("noop")]
public sealed class BenchNoop : ActionHandler
{
    public override Task<ActionOutcome> ExecuteAsync(JsonElement inputs, ConnectorContext context, CancellationToken cancellationToken) =>
        Task.FromResult<ActionOutcome>(ActionResult.From(new { }));
}

[PollingTrigger("items")]
public sealed class BenchItems : PollingTriggerHandler
{
    public override async Task<IReadOnlyList<PollRecord>> PollAsync(JsonElement inputs, DateTimeOffset? lastPollTs, ConnectorContext context, CancellationToken cancellationToken)
    {
        FetchResponse response = await context.FetchAsync(inputs.GetProperty("base_url").GetString()!.TrimEnd('/') + "/items", cancellationToken: cancellationToken);
        return [.. response.Data.EnumerateArray().Select(item => new PollRecord(item.GetProperty("id"), item))];
    }
}
