using System.Net;
using Azure.Data.Tables;
using Patchbay.Platform.Connections;
using Patchbay.Platform.Polling;
using Patchbay.Platform.Subscriptions;
using Patchbay.Platform.Tests.Subscriptions;

namespace Patchbay.Platform.Tests.Storage;

/// <summary>
/// Issue 10 item 11: storage restarted empty (or a table deleted by hand) under a running app. The next call creates the
/// table again and works: connections, subscriptions, the due index and the poller's paths.
/// </summary>
[Collection(PollingAppCollection.Name)]
public class Issue10TableNotFoundTests(PollingApp app)
{
    private static readonly string[] AllTables = [ConnectionStore.TableName, SubscriptionStore.TableName, SubscriptionStore.DueTableName];

    [Fact]
    public async Task Item11_TablesDeletedUnderARunningApp_ApiCallsCreateThemAgainAndWork()
    {
        await app.ResetAsync();
        string existing = await app.CreateConnectionAsync("user-tables");
        await DeleteTablesAsync(AllTables);

        // Reads of a table that is gone: empty answers and 404s, not 500s.
        HttpResponseMessage list = await app.Client.GetAsync("/api/connections?entity_id=user-tables");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Empty((await list.ReadJsonAsync()).EnumerateArray());
        await (await app.Client.GetAsync($"/api/connections/{existing}")).ProblemAsync(404);
        HttpResponseMessage subscriptions = await app.Client.GetAsync("/api/subscriptions?entity_id=user-tables");
        Assert.Equal(HttpStatusCode.OK, subscriptions.StatusCode);

        // Writes as the first call after the tables went away.
        await DeleteTablesAsync(AllTables);
        HttpResponseMessage created = await app.Client.PostAsync("/api/connections",
            Http.Json(new { connector = "http", entity_id = "user-tables", credentials = new { auth_method = "none" } }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        string id = (await created.ReadJsonAsync()).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync($"/api/connections/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await app.Client.DeleteAsync($"/api/connections/{id}")).StatusCode);

        await DeleteTablesAsync(AllTables);
        Feed feed = app.NewFeed(1, 2);
        Hook hook = app.NewHook();
        string subscription = await app.SubscribeAsync(feed, hook, deliverExisting: true, entityId: "user-tables");
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync($"/api/subscriptions/{subscription}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync($"/api/subscriptions/{subscription}/events")).StatusCode);

        PollingTickResult tick = await app.TickAsync();
        Assert.Equal(0, tick.Errors);
        Assert.Equal(2, hook.Received.Count);
    }

    [Fact]
    public async Task Item11_TablesDeletedBetweenTicks_TheNextTickAndNewSubscriptionsWork()
    {
        await app.ResetAsync();
        Feed feed = app.NewFeed(1);
        Hook hook = app.NewHook();
        await app.SubscribeAsync(feed, hook, deliverExisting: true, entityId: "user-ticks");
        Assert.Equal(1, (await app.TickAsync()).Delivered);

        // Only the due index goes: the tick reads it first.
        await DeleteTablesAsync([SubscriptionStore.DueTableName]);
        PollingTickResult empty = await app.TickAsync();
        Assert.Equal(0, empty.Errors);
        Assert.Equal(0, empty.Due);

        await DeleteTablesAsync(AllTables);
        Assert.Equal(0, (await app.TickAsync()).Errors);
        Feed second = app.NewFeed(5, 6, 7);
        Hook secondHook = app.NewHook();
        await app.SubscribeAsync(second, secondHook, deliverExisting: true, entityId: "user-ticks");
        PollingTickResult tick = await app.TickAsync();
        Assert.Equal(0, tick.Errors);
        Assert.Equal(3, secondHook.Received.Count);
    }

    [Fact]
    public async Task Item11_TableDeletedInTheMiddleOfAPoll_TheTickSkipsThatSubscription_AndTheNextOnesWork()
    {
        await app.ResetAsync();
        Feed feed = app.NewFeed(1, 2);
        Hook hook = app.NewHook();
        await app.SubscribeAsync(feed, hook, deliverExisting: true, entityId: "user-mid");
        feed.DuringPoll = () => DeleteTablesAsync([SubscriptionStore.TableName]);

        PollingTickResult during = await app.TickAsync();
        feed.DuringPoll = null;

        // The subscription went with its table: nothing delivered, nothing broken.
        Assert.Equal(0, during.Errors);
        Assert.Empty(hook.Received);

        Feed next = app.NewFeed(3);
        Hook nextHook = app.NewHook();
        await app.SubscribeAsync(next, nextHook, deliverExisting: true, entityId: "user-mid");
        PollingTickResult after = await app.TickAsync();
        Assert.Equal(0, after.Errors);
        Assert.Single(nextHook.Received);
    }

    private async Task DeleteTablesAsync(IEnumerable<string> names)
    {
        var service = new TableServiceClient(app.Azurite.ConnectionString);
        foreach (string name in names)
        {
            await service.DeleteTableAsync(name);
        }
    }
}
