using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure;
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
/// <c>dotnet run -c Release --project bench/Patchbay.Benchmarks -- polling-tick [subscriptions=1000,10000] [concurrency=the default Patchbay__PollingConcurrency]</c>:
/// for each number of subscriptions (and each concurrency), a fresh in-memory Azurite, a loopback feed and a loopback
/// webhook; three ticks (baseline, one new record each, nothing new), each reporting wall time and Table Storage requests
/// per subscription, and after each tick its reference: Azurite alone doing the same requests (the same number and
/// kinds of table operations on entities of the same sizes, issued directly with TableClient at the same concurrency,
/// no Patchbay), and the ratio of the two wall times.
/// </summary>
internal static class PollingTickBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        int[] counts = args.Length > 0 ? ParseList(args[0]) : [1000, 10_000];
        int[] concurrencies = args.Length > 1 ? ParseList(args[1]) : [new PatchbayOptions().PollingConcurrency];
        Console.WriteLine($"load average before: {LoadAverage()}");
        foreach (int count in counts)
        {
            foreach (int concurrency in concurrencies)
            {
                await using BenchAzurite azurite = await BenchAzurite.StartAsync();
                s_connectionString = azurite.ConnectionString;
                await RunAsync(count, concurrency);
            }
        }

        Console.WriteLine($"load average after: {LoadAverage()}");
        return 0;
    }

    private static int[] ParseList(string arg) => [.. arg.Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture))];

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";

    private static async Task RunAsync(int count, int concurrency)
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
        // Each reading of the clock moves it on by one tick (100 ns), as a real clock would: history rows (keyed by the
        // time of their event) get distinct keys, as in production, instead of one key for a whole tick.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow) { AutoAdvanceAmount = TimeSpan.FromTicks(1) };

        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.Configuration["AzureWebJobsStorage"] = s_connectionString;
        builder.Configuration["Patchbay:EncryptionKeys"] = "bench:" + Convert.ToBase64String(new byte[32]);
        builder.Configuration["Patchbay:AllowPrivateNetworks"] = "true";
        builder.Configuration["Patchbay:PollingConcurrency"] = concurrency.ToString(CultureInfo.InvariantCulture);
        builder.Services.AddPatchbayPlatform(builder.Configuration);
        builder.Logging.ClearProviders();
        var tables = new TableServiceClient(s_connectionString, tableOptions);
        builder.Services.AddSingleton(new StorageClients(tables, new QueueServiceClient(s_connectionString)));
        builder.Services.AddSingleton(new ConnectorRegistration(BenchConnector()));
        builder.Services.RemoveAll<TimeProvider>();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.RemoveAll<FetchClient>();
        builder.Services.AddSingleton(new FetchClient(new FetchOptions { AllowPrivateNetworks = true }));
        await using WebApplication app = builder.Build();

        SubscriptionStore store = app.Services.GetRequiredService<SubscriptionStore>();
        Poller poller = app.Services.GetRequiredService<Poller>();
        var destination = new SubscriptionDestination { Type = SubscriptionDestination.Webhook, Url = upstreamUrl + "hook" };
        var created = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
        {
            string inputs = JsonSerializer.Serialize(new { base_url = $"{upstreamUrl}feeds/{i}" });
            await store.CreateAsync(new NewSubscription("bench-feed", "items", inputs, null, "bench", destination, DeliverExisting: false), token);
        });

        var reference = new AzuriteAlone(s_connectionString, concurrency);
        await reference.SeedAsync(tables.GetTableClient(SubscriptionStore.TableName), time.GetUtcNow());

        Console.WriteLine();
        Console.WriteLine($"polling tick: {count} subscriptions (created in {created.Elapsed.TotalSeconds:0.0} s), Patchbay__PollingConcurrency={concurrency}, Azurite {BenchAzurite.Version} in memory, loopback feed and webhook; load average {LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| tick | wall time | per subscription | feed calls | webhook deliveries | table requests | per subscription | Azurite alone: requests | Azurite alone: wall time | Patchbay / Azurite alone |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach ((string name, bool oneNew) in new[] { ("1: baseline (records remembered)", false), ("2: one new record each (delivered)", true), ("3: nothing new", false) })
        {
            time.Advance(TimeSpan.FromMinutes(1));
            tableRequests.Reset();
            int feedBefore = feedCalls, webhookBefore = webhookCalls;
            var stopwatch = Stopwatch.StartNew();
            PollingTickResult result = await poller.RunTickAsync();
            stopwatch.Stop();
            if (result.Polled != count || result.Errors != 0)
            {
                throw new InvalidOperationException($"Tick {name} polled {result.Polled} of {count} ({result.Errors} errors): {result.Summary}; {tableRequests.Count} table requests, {tableRequests.ServerErrors} answered 5xx");
            }

            if (tableRequests.ServerErrors > 0) Console.WriteLine($"({name}: {tableRequests.ServerErrors} table requests answered 5xx and were retried)");
            int requests = tableRequests.Count;
            (TimeSpan alone, int aloneRequests) = await reference.TickAsync(tables.GetTableClient(SubscriptionStore.TableName), time.GetUtcNow(), oneNew);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {stopwatch.Elapsed.TotalSeconds:0.00} s | {stopwatch.Elapsed.TotalMilliseconds / count:0.00} ms | {feedCalls - feedBefore} | {webhookCalls - webhookBefore} | {requests} | {(double)requests / count:0.00} | {aloneRequests} | {alone.TotalSeconds:0.00} s | {stopwatch.Elapsed / alone:0.00} |"));
            Interlocked.Increment(ref round);
            if (round > 1) round = 1;
        }
    }

    /// <summary>
    /// The reference: what a tick asks of Table Storage, without Patchbay. Tables of its own hold a copy of every state row
    /// (as Patchbay wrote it, so of the same size) and a due index of the same shape; a tick is one range query per index
    /// partition, then per subscription, <c>concurrency</c> at a time: read the state row, one transaction moving the due
    /// row and its pointer (If-Match), and the outcome transaction replacing the state row (If-Match). With a new record,
    /// one transaction more before it (the state row and an outbox row of the same size), and the outcome also deletes
    /// the outbox row and adds a history row.
    /// </summary>
    private sealed class AzuriteAlone
    {
        private readonly CountingPolicy _requests = new();
        private readonly TableClient _states;
        private readonly TableClient _due;
        private readonly int _concurrency;
        private long _events;

        public AzuriteAlone(string connectionString, int concurrency)
        {
            var options = new TableClientOptions();
            options.AddPolicy(_requests, HttpPipelinePosition.PerRetry);
            var service = new TableServiceClient(connectionString, options);
            _states = service.GetTableClient("refsubscriptions");
            _due = service.GetTableClient("refdue");
            _concurrency = concurrency;
        }

        public async Task SeedAsync(TableClient patchbayStates, DateTimeOffset now)
        {
            await _states.CreateIfNotExistsAsync();
            await _due.CreateIfNotExistsAsync();
            List<TableEntity> states = await ReadStatesAsync(patchbayStates);
            await Parallel.ForEachAsync(states, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (state, token) =>
            {
                await _states.UpsertEntityAsync(state, TableUpdateMode.Replace, token);
                await _due.SubmitTransactionAsync(Move(state.PartitionKey, null, now), token);
            });
        }

        public async Task<(TimeSpan Elapsed, int Requests)> TickAsync(TableClient patchbayStates, DateTimeOffset now, bool oneNew)
        {
            // The state rows as Patchbay has just written them: the same sizes as what its tick read and wrote.
            Dictionary<string, TableEntity> states = (await ReadStatesAsync(patchbayStates)).ToDictionary(e => e.PartitionKey, StringComparer.Ordinal);
            _requests.Reset();
            var stopwatch = Stopwatch.StartNew();
            string upper = now.UtcDateTime.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture) + "_~";
            List<(string Id, string RowKey, ETag ETag)>[] shards = await Task.WhenAll(Enumerable.Range(0, DueIndex.Shards).Select(async n =>
            {
                var found = new List<(string, string, ETag)>();
                string filter = TableClient.CreateQueryFilter($"PartitionKey eq {"due-" + n.ToString("x", CultureInfo.InvariantCulture)} and RowKey le {upper}");
                await foreach (TableEntity row in _due.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["RowKey", "SubscriptionId", "LeaseOwner", "LeaseUntil"]))
                {
                    found.Add((row.GetString("SubscriptionId"), row.RowKey, row.ETag));
                }

                return found;
            }));

            await Parallel.ForEachAsync(shards.SelectMany(s => s).OrderBy(s => s.RowKey, StringComparer.Ordinal), new ParallelOptions { MaxDegreeOfParallelism = _concurrency }, async (due, token) =>
            {
                Response<TableEntity> read = await _states.GetEntityAsync<TableEntity>(due.Id, SubscriptionState.RowKeyOf(due.Id), cancellationToken: token);
                await _due.SubmitTransactionAsync(Move(due.Id, (due.RowKey, due.ETag), now + TimeSpan.FromMinutes(1)), token);
                TableEntity state = states[due.Id];
                ETag etag = read.Value.ETag;
                if (oneNew)
                {
                    string eventId = DeliveryFormat.EventId(due.Id, "new");
                    var entry = new OutboxEntry
                    {
                        EventId = eventId, RecordId = "new", Seq = 1, CreatedAt = now, NextAttemptAt = now, UpdatedAt = now,
                        Body = DeliveryFormat.Body(eventId, due.Id, "bench-feed", "items", new PollRecord(JsonSerializer.SerializeToElement("0-2"), JsonSerializer.SerializeToElement(new { id = "0-2", name = "item 2" })), now),
                    };
                    Response<IReadOnlyList<Response>> queued = await _states.SubmitTransactionAsync(
                        [new TableTransactionAction(TableTransactionActionType.UpdateReplace, state, etag), new TableTransactionAction(TableTransactionActionType.UpsertReplace, entry.ToEntity(due.Id))], token);
                    etag = queued.Value[0].Headers.ETag!.Value;
                    await _states.SubmitTransactionAsync(
                    [
                        new TableTransactionAction(TableTransactionActionType.UpdateReplace, state, etag),
                        new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(due.Id, entry.RowKey), ETag.All),
                        SubscriptionStore.HistoryInsert(due.Id, 1, new SubscriptionEvent { Status = "delivered", Kind = "delivery", EventId = eventId, RecordId = "new", Attempts = 1, CreatedAt = now, At = now.AddTicks(Interlocked.Increment(ref _events)) }),
                    ], token);
                }
                else
                {
                    await _states.SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.UpdateReplace, state, etag)], token);
                }
            });

            stopwatch.Stop();
            return (stopwatch.Elapsed, _requests.Count);
        }

        private static async Task<List<TableEntity>> ReadStatesAsync(TableClient states)
        {
            var rows = new List<TableEntity>();
            await foreach (TableEntity row in states.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey ge {SubscriptionState.RowKeyFrom} and RowKey lt {SubscriptionState.RowKeyUntil}"), maxPerPage: 1000))
            {
                row.ETag = default;
                rows.Add(row);
            }

            return rows;
        }

        // The due row and its pointer, moved (or added) in one transaction, as DueIndex does.
        private TableTransactionAction[] Move(string id, (string RowKey, ETag ETag)? from, DateTimeOffset dueAt)
        {
            string partition = DueIndex.PartitionOf(id);
            string rowKey = DueIndex.RowKeyOf(dueAt, id);
            var row = new TableEntity(partition, rowKey) { ["SubscriptionId"] = id, ["LeaseOwner"] = "tick_0123456789ab.0123456789ab", ["LeaseUntil"] = dueAt };
            var pointer = new TableEntity(partition, "s_" + id) { ["DueKey"] = rowKey, ["LeaseOwner"] = "tick_0123456789ab.0123456789ab", ["LeaseUntil"] = dueAt };
            return from is { } old
                ? [new(TableTransactionActionType.Delete, new TableEntity(partition, old.RowKey), old.ETag), new(TableTransactionActionType.Add, row), new(TableTransactionActionType.UpsertReplace, pointer)]
                : [new(TableTransactionActionType.Add, row), new(TableTransactionActionType.Add, pointer)];
        }
    }

    private static string s_connectionString = "";

    // Other benchmarks in this assembly register handlers too, so the connector names its own.
    private static Connector BenchConnector()
    {
        using Stream stream = typeof(PollingTickBench).Assembly.GetManifestResourceStream("polling-bench.config.json")!;
        using var reader = new StreamReader(stream);
        return Connector.Create(ConnectorManifest.Parse(reader.ReadToEnd(), "bench/Polling/config.json"), [typeof(BenchNoop), typeof(BenchItems)]);
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

    /// <summary>Counts HTTP requests to the Table endpoint (each try, so retries count).</summary>
    private sealed class CountingPolicy : HttpPipelineSynchronousPolicy
    {
        private int _count;
        private int _failed;

        public int Count => Volatile.Read(ref _count);

        /// <summary>Answers with a 5xx status (Azurite refusing, e.g. a transaction that overlaps another); the SDK retries them.</summary>
        public int ServerErrors => Volatile.Read(ref _failed);

        public void Reset()
        {
            Volatile.Write(ref _count, 0);
            Volatile.Write(ref _failed, 0);
        }

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);

        public override void OnReceivedResponse(HttpMessage message)
        {
            if (message.Response.Status >= 500) Interlocked.Increment(ref _failed);
        }
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
