using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Patchbay.Platform.Hosting;
using Patchbay.Platform.Polling;
using Patchbay.Platform.Storage;
using Patchbay.Platform.Subscriptions;

namespace Patchbay.Benchmarks.Polling;

/// <summary>
/// <c>dotnet run -c Release --project bench/Patchbay.Benchmarks -- poll-dispatch [subscriptions] [rounds]</c>: the tick's
/// dispatch step (what the PollingTick timer does under the Functions host) over N due subscriptions against a real
/// Azurite: the due-index query and one PollingQueue message per 32, through <see cref="Poller.DispatchTickAsync"/> and
/// <see cref="PollQueueSender"/>; and, as the reference in the same run, Azurite alone doing the same requests with the
/// Azure SDK directly (the same query, the same number of messages of the same size).
/// </summary>
internal static class PollDispatchBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        int count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        await using BenchAzurite azurite = await BenchAzurite.StartAsync();
        return await RunAsync(azurite.ConnectionString, count, rounds);
    }

    private static async Task<int> RunAsync(string connection, int count, int rounds)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connection,
            ["PollingQueue"] = SettingNames.DefaultPollingQueue,
            ["Patchbay:EncryptionKeys"] = "bench:" + Convert.ToBase64String(new byte[32]),
        }).Build();
        // The platform as the worker registers it (the dispatch step needs only its storage and the due index).
        await using ServiceProvider services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(configuration)
            .AddPatchbayPlatform(configuration)
            .AddSingleton<PollQueueSender>()
            .BuildServiceProvider();
        StorageClients storage = services.GetRequiredService<StorageClients>();
        Poller poller = services.GetRequiredService<Poller>();
        PollQueueSender sender = services.GetRequiredService<PollQueueSender>();

        // N subscriptions' due-index rows as the platform writes them (DueIndex: a due row and a pointer per subscription,
        // in the partition of the id's last hex digit), due a minute ago, 50 subscriptions to a transaction (the dispatch
        // step reads nothing else).
        TableClient due = storage.Tables.GetTableClient(SubscriptionStore.DueTableName);
        await due.CreateIfNotExistsAsync();
        DateTimeOffset dueAt = DateTimeOffset.UtcNow.AddMinutes(-1);
        string at = dueAt.UtcDateTime.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        string[] ids = [.. Enumerable.Range(0, count).Select(_ => "sub_" + Guid.NewGuid().ToString("N"))];
        foreach (IGrouping<string, string> partition in ids.GroupBy(DueIndex.PartitionOf))
        {
            foreach (string[] chunk in partition.Chunk(50))
            {
                await due.SubmitTransactionAsync(chunk.SelectMany(id => new[]
                {
                    new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition.Key, DueIndex.RowKeyOf(dueAt, id)) { ["SubscriptionId"] = id }),
                    new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition.Key, "s_" + id) { ["DueKey"] = DueIndex.RowKeyOf(dueAt, id) }),
                }));
            }
        }

        QueueClient queue = storage.Queues.GetQueueClient(SettingNames.DefaultPollingQueue);
        await queue.CreateIfNotExistsAsync();
        QueueClient reference = storage.Queues.GetQueueClient("bench-reference");
        await reference.CreateIfNotExistsAsync();
        Console.WriteLine($"poll dispatch: {count} due subscriptions, {(count + PollBatch.MaxEntries - 1) / PollBatch.MaxEntries} messages of at most {PollBatch.MaxEntries}, Azurite (in memory)");
        Console.WriteLine();
        Console.WriteLine("| round | Patchbay dispatch step | Azurite alone, same requests | ratio |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        var ratios = new List<double>();
        // Round 0 warms both up (JIT, connections, the sender's queue check) and is not reported.
        for (int round = 0; round <= rounds; round++)
        {
            await queue.ClearMessagesAsync();
            await reference.ClearMessagesAsync();
            var patchbay = Stopwatch.StartNew();
            PollDispatchResult result = await poller.DispatchTickAsync(null, sender, CancellationToken.None);
            patchbay.Stop();
            if (result.Due != count) throw new InvalidOperationException($"The dispatch step found {result.Due} due subscriptions, not {count}.");

            var alone = Stopwatch.StartNew();
            await SameRequestsAsync(due, reference, at);
            alone.Stop();
            double ratio = patchbay.Elapsed.TotalMilliseconds / alone.Elapsed.TotalMilliseconds;
            if (round == 0) continue;
            ratios.Add(ratio);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {round} | {patchbay.Elapsed.TotalMilliseconds:0} ms | {alone.Elapsed.TotalMilliseconds:0} ms | {ratio:0.00} |"));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median ratio (Patchbay / Azurite alone): {ratios.Order().ElementAt(ratios.Count / 2):0.00}"));
        return 0;
    }

    // The dispatch step's requests without Patchbay: the due-index range query of each of the 16 partitions, in parallel,
    // in pages of 1,000 (the columns the claim needs), then one message per 32 rows with the same JSON shape (a key of the
    // due row, its lease and ETag), base64-encoded, sent one after the other.
    private static async Task SameRequestsAsync(TableClient due, QueueClient queue, string at)
    {
        List<(string Key, string Id)>[] partitions = await Task.WhenAll(Enumerable.Range(0, DueIndex.Shards).Select(async n =>
        {
            string filter = TableClient.CreateQueryFilter($"PartitionKey eq {"due-" + n.ToString("x", CultureInfo.InvariantCulture)} and RowKey le {at + "_~"}");
            var found = new List<(string Key, string Id)>();
            await foreach (TableEntity row in due.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["RowKey", "SubscriptionId", "LeaseOwner", "LeaseUntil"]))
            {
                found.Add((row.RowKey + " - 0 r" + row.ETag, row.GetString("SubscriptionId")));
            }

            return found;
        }));
        List<(string Key, string Id)> rows = [.. partitions.SelectMany(p => p).OrderBy(r => r.Key, StringComparer.Ordinal)];

        string dispatched = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        foreach ((string Key, string Id)[] chunk in rows.Chunk(PollBatch.MaxEntries))
        {
            var text = new StringBuilder("{\"v\":1,\"tick\":\"tick_000000000000\",\"scheduled_at\":null,\"dispatched_at\":\"").Append(dispatched).Append("\",\"due\":[");
            text.AppendJoin(',', chunk.Select(r => $"{{\"id\":\"{r.Id}\",\"key\":{JsonSerializer.Serialize(r.Key)}}}")).Append("]}");
            await queue.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(text.ToString())));
        }
    }
}
