using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Patchbay.Platform.Polling;
using Patchbay.Platform.Storage;
using Patchbay.Platform.Subscriptions;

namespace Patchbay.Platform.Tests.Subscriptions;

/// <summary>
/// Issue 10, "Polling data integrity", items 1-4: each test fails without its fix. Real Azurite, a loopback
/// upstream and a loopback webhook receiver that verifies every signature.
/// </summary>
[Collection(PollingAppCollection.Name)]
public class Issue10PollingTests(PollingApp app) : IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private TableClient Subscriptions => app.Services.GetRequiredService<StorageClients>().Tables.GetTableClient(SubscriptionStore.TableName);

    private TableClient Due => app.Services.GetRequiredService<StorageClients>().Tables.GetTableClient(SubscriptionStore.DueTableName);

    private async Task<int> CountRowsAsync(string id, string? prefix = null)
    {
        string filter = prefix is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {id}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {id} and RowKey ge {prefix} and RowKey lt {prefix + "~"}");
        return (await Subscriptions.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"]).ToListAsync()).Count;
    }

    private async Task<int> CountDueRowsAsync(string id) =>
        (await Due.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"SubscriptionId eq {id}")).ToListAsync()).Count;

    // Item 1: the clean-up query selected only RowKey, so the rows it deleted had no PartitionKey (NullReferenceException, 500).
    [Fact]
    public async Task Item1_DeleteAfterDeliveries_Answers204_AndLeavesNoRowOfThePartitionOrTheDueIndex()
    {
        Feed feed = app.NewFeed([.. Enumerable.Range(1, 130)]);
        Hook hook = app.NewHook();
        string id = await app.SubscribeAsync(feed, hook, deliverExisting: true);
        await app.TickAsync();
        Assert.Equal(130, hook.Received.Count);

        // Leave deliveries pending too, so the partition holds the state row, history rows and outbox rows (more than one 100-row batch).
        for (int i = 131; i <= 135; i++) feed.Add(i);
        hook.FailuresLeft = int.MaxValue;
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await app.TickAsync();
        Assert.Equal(5, await CountRowsAsync(id, OutboxEntry.RowPrefix));
        Assert.True(await CountRowsAsync(id) > 135, "the partition should hold the state, 131 history rows and 5 outbox rows");
        Assert.Equal(1, await CountDueRowsAsync(id));

        HttpResponseMessage deleted = await app.Client.DeleteAsync($"/api/subscriptions/{id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(0, await CountRowsAsync(id));
        Assert.Equal(0, await CountDueRowsAsync(id));
        await (await app.Client.GetAsync($"/api/subscriptions/{id}")).ProblemAsync(404);
        await (await app.Client.DeleteAsync($"/api/subscriptions/{id}")).ProblemAsync(404);
    }

    [Fact]
    public async Task Item1_ConcurrentDeletesOfOneSubscription_GiveOne204_AndOnly404s()
    {
        Feed feed = app.NewFeed(1, 2, 3);
        Hook hook = app.NewHook();
        string id = await app.SubscribeAsync(feed, hook, deliverExisting: true);
        await app.TickAsync();
        Assert.Equal(3, hook.Received.Count);

        HttpResponseMessage[] answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => app.Client.DeleteAsync($"/api/subscriptions/{id}")));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.NoContent);
        foreach (HttpResponseMessage other in answers.Where(a => a.StatusCode != HttpStatusCode.NoContent)) await other.ProblemAsync(404);
        Assert.Equal(0, await CountRowsAsync(id));
        Assert.Equal(0, await CountDueRowsAsync(id));
    }

    // Item 2: PruneHistoryAsync had the same select bug, so the commit after the prune never happened and the last
    // batch of deliveries stayed in the outbox, re-sent on every lease lapse. More records than every bound: the seen-id
    // set (1,000 before), the history kept (100, pruned at 150), a table transaction (100 operations), a commit of
    // deliveries (40), the deliveries per tick (500) and the outbox rows read per tick (1,000).
    [Fact]
    public async Task Item2_JsonItemsWithDeliverExisting_DeliversEachOfManyRecordsExactlyOnce_AndNothingLater()
    {
        const int Records = 1_650;
        Feed feed = app.NewFeed([.. Enumerable.Range(1, Records)]);
        Hook hook = app.NewHook();
        HttpResponseMessage connection = await app.Client.PostAsync("/api/connections", Http.Json(new { connector = "http", entity_id = "user-1", credentials = new { auth_method = "none" } }));
        Assert.Equal(HttpStatusCode.Created, connection.StatusCode);
        HttpResponseMessage created = await app.Client.PostAsync("/api/subscriptions", Http.Json(new
        {
            connector = "http",
            trigger = "json_items",
            inputs = new { url = feed.BaseUrl + "/items" },
            connection_id = (await connection.ReadJsonAsync()).GetProperty("id").GetString(),
            entity_id = "user-1",
            destination = new { type = "webhook", url = hook.Url },
            deliver_existing = true,
        }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        JsonElement subscription = await created.ReadJsonAsync();
        string id = subscription.GetProperty("id").GetString()!;
        hook.Secret = subscription.GetProperty("signing_secret").GetString()!;

        // Drain: 500 deliveries per tick, one tick a minute; every tick must finish without errors.
        var ticks = new List<PollingTickResult>();
        for (int tick = 0; tick < 8 && hook.Received.Count < Records; tick++)
        {
            ticks.Add(await app.TickAsync());
            app.Time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.All(ticks, t => Assert.Equal(0, t.Errors));
        Assert.Equal(Records, hook.Received.Count);

        // Then an hour of ticks: the trigger is polled again (every 5 minutes, all 1,650 records each time) and leases lapse; nothing is sent again.
        for (int minute = 0; minute < 60; minute++)
        {
            PollingTickResult later = await app.TickAsync();
            Assert.Equal(0, later.Errors);
            Assert.Equal(0, later.Delivered);
            app.Time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.True(feed.Calls >= 12, $"the feed was polled {feed.Calls} times in the hour");
        string[] eventIds = [.. hook.Received.Select(r => r.EventId)];
        Assert.Equal(Records, eventIds.Length);
        Assert.Equal(Records, eventIds.Distinct().Count());
        Assert.Equal(Records, hook.Attempts.Count);
        Assert.Equal(Enumerable.Range(1, Records).Select(i => DeliveryFormat.EventId(id, i.ToString(System.Globalization.CultureInfo.InvariantCulture))).Order(), eventIds.Order());
        Assert.Empty(hook.BadSignatures);
        Assert.Equal(0, await CountRowsAsync(id, OutboxEntry.RowPrefix));
        Assert.Equal(0, (await app.GetSubscriptionAsync(id)).GetProperty("pending_deliveries").GetInt32());
        Assert.InRange(await CountRowsAsync(id, "e_"), 1, PollingConstants.HistoryPruneAt);
    }
}
