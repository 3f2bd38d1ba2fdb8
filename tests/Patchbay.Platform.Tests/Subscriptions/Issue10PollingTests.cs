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

    // Item 2, the seen-id bound: the set held the last 1,000 ids added, so an id the upstream still answered was
    // forgotten once 1,000 newer ones came, and delivered again. It now holds 10,000 (two binary properties), and
    // every poll touches the ids it answers, so the ones forgotten are those the upstream stopped answering longest ago.
    [Fact]
    public async Task Item2_IdsTheUpstreamStillAnswers_AreNeverForgotten_WhenTheSetOverflows()
    {
        Feed feed = app.NewFeed([.. Enumerable.Range(1, 9_000)]);
        Hook hook = app.NewHook();
        string id = await app.SubscribeAsync(feed, hook);
        PollingTickResult baseline = await app.TickAsync();
        Assert.Equal((1, 0, 0), (baseline.Polled, baseline.Delivered, baseline.Errors));

        // The upstream keeps its 3,000 oldest items and answers 1,200 new ones: 10,200 ids seen in all, 200 over capacity.
        while (feed.Items.TryDequeue(out _)) { }
        foreach (int item in Enumerable.Range(1, 3_000).Concat(Enumerable.Range(9_001, 1_200))) feed.Add(item);
        for (int tick = 0; tick < 8; tick++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(0, (await app.TickAsync()).Errors);
        }

        Assert.Equal(1_200, hook.Attempts.Count);
        Assert.Equal(Enumerable.Range(9_001, 1_200).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), hook.RecordIds.Order());
        Assert.Equal(0, (await app.GetSubscriptionAsync(id)).GetProperty("pending_deliveries").GetInt32());
        TableEntity state = await Subscriptions.GetEntityAsync<TableEntity>(id, SubscriptionState.RowKeyOf(id));
        Assert.Equal(SeenIdSet.IdsPerProperty * 8, state.GetBinary("SeenIds").Length);
        Assert.Equal((PollingConstants.SeenIdCapacity - SeenIdSet.IdsPerProperty) * 8, state.GetBinary("SeenIds2").Length);
    }

    [Fact]
    public async Task Item2_APollAnsweringMoreRecordsThanTheSetHolds_FailsAndSaysSo_AndDeliversNothing()
    {
        Feed feed = app.NewFeed([.. Enumerable.Range(1, PollingConstants.SeenIdCapacity + 1)]);
        Hook hook = app.NewHook();
        string id = await app.SubscribeAsync(feed, hook, deliverExisting: true);

        PollingTickResult tick = await app.TickAsync();

        Assert.Equal((1, 0, 0), (tick.Polled, tick.Delivered, tick.Errors));
        Assert.Empty(hook.Attempts);
        JsonElement state = await app.GetSubscriptionAsync(id);
        Assert.Equal(1, state.GetProperty("consecutive_failures").GetInt32());
        Assert.Contains($"answered {PollingConstants.SeenIdCapacity + 1} records", state.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Contains($"at most {PollingConstants.SeenIdCapacity}", state.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, state.GetProperty("last_poll_ts").ValueKind);
    }

    // Item 3: NextPollAt was the poll's start + the interval, so a poll made a few hundred ms late pushed the next one
    // past the tick that falls on the interval whenever that tick ran a little earlier in its second.
    [Fact]
    public async Task Item3_TwoHoursOfOneMinuteTicksWithJitter_PollAFiveMinuteTriggerExactly24Times()
    {
        int[] jitterMs = [350, -300, 120, -450, 80, -150, 400];
        DateTimeOffset clock = app.Time.GetUtcNow();
        var first = new DateTimeOffset(clock.Year, clock.Month, clock.Day, clock.Hour, clock.Minute, 0, TimeSpan.Zero).AddMinutes(2);
        Feed feed = app.NewFeed(1);
        await app.SubscribeAsync(feed, app.NewHook(), trigger: "items_5m");

        for (int tick = 0; tick < 120; tick++)
        {
            DateTimeOffset scheduled = first.AddMinutes(tick);
            app.Time.SetUtcNow(scheduled.AddMilliseconds(jitterMs[tick % jitterMs.Length]));
            // What both hosts call: the standalone scheduler with its occurrence, the PollingTick timer with ScheduleStatus.Next.
            await app.Poller.RunTickAsync(scheduled);
            Assert.Equal(1 + (tick / 5), feed.Calls);
        }

        Assert.Equal(24, feed.Calls);
    }

    [Fact]
    public async Task Item3_TheSameScheduleThroughThePollerOverload_AndWithoutAScheduledTimeAsOfTheClock()
    {
        int[] jitterMs = [-200, 300, -350, 150, -50, 450];
        DateTimeOffset clock = app.Time.GetUtcNow();
        var first = new DateTimeOffset(clock.Year, clock.Month, clock.Day, clock.Hour, clock.Minute, 0, TimeSpan.Zero).AddMinutes(2);
        Feed feed = app.NewFeed(1);
        string id = await app.SubscribeAsync(feed, app.NewHook(), trigger: "items_5m");

        for (int tick = 0; tick < 60; tick++)
        {
            DateTimeOffset scheduled = first.AddMinutes(tick);
            app.Time.SetUtcNow(scheduled.AddMilliseconds(jitterMs[tick % jitterMs.Length]));
            await app.Poller.RunTickAsync(scheduled);
        }

        Assert.Equal(12, feed.Calls);
        Assert.Equal(first.AddMinutes(60), (await app.GetSubscriptionAsync(id)).GetProperty("next_poll_at").GetDateTimeOffset());

        // A tick far from its scheduled time (a past-due timer) runs as of the clock, as one without a scheduled time
        // does: the next poll is an interval after the clock, not after the missed occurrence.
        app.Time.SetUtcNow(first.AddMinutes(64));
        await app.Poller.RunTickAsync(first.AddMinutes(60));
        Assert.Equal(13, feed.Calls);
        Assert.Equal(first.AddMinutes(69), (await app.GetSubscriptionAsync(id)).GetProperty("next_poll_at").GetDateTimeOffset());
    }

    // Item 4: POST /api/subscriptions/{id}/poll, through the tick's own steps.
    [Fact]
    public async Task Item4_PollNow_PollsASubscriptionThatIsNotDue_DeliversTheNewRecord_AndAnswersWhatHappened()
    {
        Feed feed = app.NewFeed(1, 2);
        Hook hook = app.NewHook();
        string id = await app.SubscribeAsync(feed, hook);

        JsonElement baseline = await (await app.Client.PostAsync($"/api/subscriptions/{id}/poll", null)).ReadJsonAsync();
        Assert.Equal(id, baseline.GetProperty("id").GetString());
        Assert.True(baseline.GetProperty("polled").GetBoolean());
        Assert.True(baseline.GetProperty("baseline").GetBoolean());
        Assert.Equal(2, baseline.GetProperty("records_found").GetInt32());
        Assert.Equal(0, baseline.GetProperty("new_records").GetInt32());
        Assert.Equal(0, baseline.GetProperty("delivered").GetInt32());
        Assert.Empty(hook.Attempts);

        // Not due for another 30 s: a tick leaves it alone, a poll-now does not.
        feed.Add(3);
        PollingTickResult tick = await app.TickAsync();
        Assert.Equal(0, tick.Polled);
        HttpResponseMessage response = await app.Client.PostAsync($"/api/subscriptions/{id}/poll", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement result = await response.ReadJsonAsync();
        Assert.True(result.GetProperty("polled").GetBoolean());
        Assert.False(result.GetProperty("baseline").GetBoolean());
        Assert.Equal(3, result.GetProperty("records_found").GetInt32());
        Assert.Equal(1, result.GetProperty("new_records").GetInt32());
        Assert.Equal(1, result.GetProperty("delivered").GetInt32());
        Assert.Equal(0, result.GetProperty("failed_deliveries").GetInt32());
        Assert.Equal(0, result.GetProperty("pending_deliveries").GetInt32());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("error").ValueKind);
        Assert.Equal("ACTIVE", result.GetProperty("status").GetString());
        Assert.Equal(app.Time.GetUtcNow(), result.GetProperty("last_poll_ts").GetDateTimeOffset());
        Assert.Equal(app.Time.GetUtcNow().AddSeconds(30), result.GetProperty("next_poll_at").GetDateTimeOffset());
        Assert.Equal(["3"], hook.RecordIds);
        Assert.Equal(2, feed.Calls);
        Assert.Equal(result.GetProperty("next_poll_at").GetDateTimeOffset(), (await app.GetSubscriptionAsync(id)).GetProperty("next_poll_at").GetDateTimeOffset());

        // Its state is the tick's state: the next tick finds nothing new and delivers nothing again.
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await app.TickAsync();
        Assert.Equal(3, feed.Calls);
        Assert.Single(hook.Attempts);
    }

    [Fact]
    public async Task Item4_PollNow_WithAFailingReceiver_AnswersThePendingDelivery_AndItsError()
    {
        Feed feed = app.NewFeed(5);
        Hook hook = app.NewHook();
        hook.FailuresLeft = 1;
        string id = await app.SubscribeAsync(feed, hook, deliverExisting: true);

        JsonElement result = await (await app.Client.PostAsync($"/api/subscriptions/{id}/poll", null)).ReadJsonAsync();

        Assert.Equal(1, result.GetProperty("new_records").GetInt32());
        Assert.Equal(0, result.GetProperty("delivered").GetInt32());
        Assert.Equal(1, result.GetProperty("failed_deliveries").GetInt32());
        Assert.Equal(1, result.GetProperty("pending_deliveries").GetInt32());
        Assert.Contains("503", result.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(app.Time.GetUtcNow().AddSeconds(30), result.GetProperty("next_poll_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Item4_PollNow_WhileATickHoldsTheLease_Is409_ThenWorksOnceItIsDone()
    {
        Feed feed = app.NewFeed(1);
        Hook hook = app.NewHook();
        string id = await app.SubscribeAsync(feed, hook, deliverExisting: true);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        feed.DuringPoll = async () =>
        {
            feed.DuringPoll = null;
            entered.SetResult();
            await release.Task;
        };

        Task<PollingTickResult> tick = Task.Run(app.TickAsync);
        await entered.Task;
        HttpResponseMessage busy = await app.Client.PostAsync($"/api/subscriptions/{id}/poll", null);
        release.SetResult();
        await tick;

        JsonElement problem = await busy.ProblemAsync(409);
        Assert.Equal("urn:patchbay:problem:subscription-busy", problem.GetProperty("type").GetString());
        Assert.Contains("lease", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, feed.Calls);
        Assert.Equal(["1"], hook.RecordIds);

        JsonElement after = await (await app.Client.PostAsync($"/api/subscriptions/{id}/poll", null)).ReadJsonAsync();
        Assert.Equal(1, after.GetProperty("records_found").GetInt32());
        Assert.Equal(0, after.GetProperty("new_records").GetInt32());
        Assert.Equal(2, feed.Calls);
        Assert.Single(hook.Attempts);
    }

    [Fact]
    public async Task Item4_PollNow_OfAnUnknownSubscription_Is404_AndOfAPausedOne_Is409()
    {
        await (await app.Client.PostAsync("/api/subscriptions/sub_missing/poll", null)).ProblemAsync(404);

        Feed feed = app.NewFeed(1);
        string id = await app.SubscribeAsync(feed, app.NewHook());
        string connectionId = (await app.GetSubscriptionAsync(id)).GetProperty("connection_id").GetString()!;
        await app.Services.GetRequiredService<Patchbay.Platform.Connections.ConnectionStore>().UpdateStatusAsync(connectionId, "EXPIRED", "revoked", default);
        JsonElement paused = await (await app.Client.PostAsync($"/api/subscriptions/{id}/poll", null)).ReadJsonAsync();
        Assert.False(paused.GetProperty("polled").GetBoolean());
        Assert.Equal("PAUSED", paused.GetProperty("status").GetString());
        Assert.Contains("EXPIRED", paused.GetProperty("error").GetString(), StringComparison.Ordinal);

        JsonElement problem = await (await app.Client.PostAsync($"/api/subscriptions/{id}/poll", null)).ProblemAsync(409);
        Assert.Equal("urn:patchbay:problem:subscription-paused", problem.GetProperty("type").GetString());
        Assert.Contains("/resume", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, feed.Calls);
    }
}
