using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection;
using Patchbay.Platform.Connections;
using Patchbay.Platform.Polling;
using Patchbay.Platform.Storage;
using Patchbay.Platform.Subscriptions;

namespace Patchbay.Platform.Tests.Subscriptions;

[Collection(PollingAppCollection.Name)]
public class PollerTests(PollingApp app) : IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task FirstPollIsABaseline_ThenExactlyTheNewRecords_ThenNothing()
    {
        Feed feed = app.NewFeed(1, 2);
        Hook hook = app.NewHook();
        string id = await app.SubscribeAsync(feed, hook);

        await app.TickAsync();
        Assert.Empty(hook.Attempts);
        Assert.Equal(1, feed.Calls);

        feed.Add(3);
        feed.Add(4);
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await app.TickAsync();
        Assert.Equal(["3", "4"], hook.RecordIds.Order());
        Assert.Empty(hook.BadSignatures);

        app.Time.Advance(TimeSpan.FromMinutes(1));
        await app.TickAsync();
        Assert.Equal(3, feed.Calls);
        Assert.Equal(2, hook.Attempts.Count);

        Received first = hook.Received.First();
        JsonElement body = first.Body;
        Assert.Equal(first.EventId, body.GetProperty("event_id").GetString());
        Assert.Equal(id, body.GetProperty("subscription_id").GetString());
        Assert.Equal("upstream-test", body.GetProperty("connector").GetString());
        Assert.Equal("items", body.GetProperty("trigger").GetString());
        Assert.StartsWith("item ", body.GetProperty("record").GetProperty("data").GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.True(body.TryGetProperty("polled_at", out _));
        Assert.Equal(DeliveryFormat.EventId(id, body.GetProperty("record").GetProperty("id").GetRawText()), first.EventId);

        JsonElement subscription = await app.GetSubscriptionAsync(id);
        Assert.Equal(app.Time.GetUtcNow(), subscription.GetProperty("last_poll_ts").GetDateTimeOffset());
        Assert.Equal(app.Time.GetUtcNow().AddSeconds(30), subscription.GetProperty("next_poll_at").GetDateTimeOffset());
        Assert.Equal(0, subscription.GetProperty("pending_deliveries").GetInt32());
    }

    [Fact]
    public async Task DeliverExisting_DeliversTheCurrentRecordsOnTheFirstTick()
    {
        Feed feed = app.NewFeed(1, 2);
        Hook hook = app.NewHook();
        await app.SubscribeAsync(feed, hook, deliverExisting: true);

        await app.TickAsync();

        Assert.Equal(["1", "2"], hook.RecordIds.Order());
    }

    [Fact]
    public async Task OverlappingTicks_PollEachDueSubscriptionOnce()
    {
        Feed[] feeds = [.. Enumerable.Range(0, 5).Select(_ => app.NewFeed(1))];
        Hook[] hooks = [.. feeds.Select(_ => app.NewHook())];
        for (int i = 0; i < feeds.Length; i++) await app.SubscribeAsync(feeds[i], hooks[i]);

        await Task.WhenAll(app.TickAsync(), app.TickAsync(), app.TickAsync());
        Assert.All(feeds, feed => Assert.Equal(1, feed.Calls));

        foreach (Feed feed in feeds) feed.Add(2);
        app.Time.Advance(TimeSpan.FromMinutes(1));
        PollingTickResult[] results = await Task.WhenAll(app.TickAsync(), app.TickAsync());

        Assert.All(feeds, feed => Assert.Equal(2, feed.Calls));
        Assert.All(hooks, hook => Assert.Equal(["2"], hook.RecordIds));
        Assert.All(hooks, hook => Assert.Single(hook.Attempts));
        Assert.Equal(5, results.Sum(r => r.Polled));
        Assert.Equal(5, results.Sum(r => r.Delivered));
    }

    [Fact]
    public async Task CrashAfterDelivery_RedeliversWithTheSameEventIds_AndLosesNothing()
    {
        Feed feed = app.NewFeed(1, 2);
        Hook hook = app.NewHook();
        string id = await app.SubscribeAsync(feed, hook, deliverExisting: true);

        app.Faults.CrashAt = PollerFaultPoint.AfterDelivery;
        PollingTickResult crashed = await app.TickAsync();
        Assert.Equal(1, crashed.Errors);
        Assert.Equal(2, crashed.Delivered);
        string[] firstIds = [.. hook.Received.Select(r => r.EventId).Order()];
        Assert.Equal(2, firstIds.Length);

        // The crashed tick's lease holds the subscription until it lapses.
        await app.TickAsync();
        Assert.Equal(2, hook.Received.Count);

        app.Time.Advance(PollingConstants.LeaseDuration + TimeSpan.FromSeconds(1));
        await app.TickAsync();
        Assert.Equal(4, hook.Received.Count);
        Assert.Equal(firstIds, hook.Received.Skip(2).Select(r => r.EventId).Order());

        app.Time.Advance(TimeSpan.FromMinutes(1));
        await app.TickAsync();
        Assert.Equal(4, hook.Received.Count);
        Assert.Equal(0, (await app.GetSubscriptionAsync(id)).GetProperty("pending_deliveries").GetInt32());
    }

    [Fact]
    public async Task CrashBeforeDelivery_LosesNothing()
    {
        Feed feed = app.NewFeed(1, 2);
        Hook hook = app.NewHook();
        string id = await app.SubscribeAsync(feed, hook, deliverExisting: true);

        app.Faults.CrashAt = PollerFaultPoint.BeforeDelivery;
        await app.TickAsync();
        Assert.Empty(hook.Attempts);
        Assert.Equal(2, (await app.GetSubscriptionAsync(id)).GetProperty("pending_deliveries").GetInt32());

        app.Time.Advance(PollingConstants.LeaseDuration + TimeSpan.FromSeconds(1));
        await app.TickAsync();
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await app.TickAsync();

        Assert.Equal(["1", "2"], hook.RecordIds.Order());
        Assert.Equal(2, hook.Attempts.Count);
    }

    [Fact]
    public async Task ReceiverFailingThreeTimes_GetsTheRecordOnTheFourthTick_Once()
    {
        Feed feed = app.NewFeed(7);
        Hook hook = app.NewHook();
        hook.FailuresLeft = 3;
        string id = await app.SubscribeAsync(feed, hook, deliverExisting: true);

        for (int tick = 1; tick <= 3; tick++)
        {
            await app.TickAsync();
            Assert.Equal(tick, hook.Attempts.Count);
            Assert.Empty(hook.Received);
            app.Time.Advance(TimeSpan.FromMinutes(5));
        }

        JsonElement waiting = await app.GetSubscriptionAsync(id);
        Assert.Equal(1, waiting.GetProperty("pending_deliveries").GetInt32());
        Assert.Contains("503", waiting.GetProperty("last_error").GetString(), StringComparison.Ordinal);

        await app.TickAsync();
        Assert.Equal(["7"], hook.RecordIds);

        app.Time.Advance(TimeSpan.FromMinutes(5));
        await app.TickAsync();
        Assert.Single(hook.Received);
        Assert.Equal(4, hook.Attempts.Count);
        Assert.Single(hook.Attempts.Distinct());

        // Newest first: the delivery on attempt 4, then the three failed attempts.
        JsonElement[] events = [.. (await (await app.Client.GetAsync($"/api/subscriptions/{id}/events")).ReadJsonAsync()).EnumerateArray()];
        Assert.Equal(["delivered", "failed", "failed", "failed"], events.Select(e => e.GetProperty("status").GetString()));
        Assert.Equal([4, 3, 2, 1], events.Select(e => e.GetProperty("attempts").GetInt32()));
        Assert.All(events, e => Assert.Equal(hook.Received.Single().EventId, e.GetProperty("event_id").GetString()));
        DateTimeOffset[] times = [.. events.Select(e => e.GetProperty("at").GetDateTimeOffset())];
        Assert.Equal(times.OrderDescending(), times);
    }

    [Fact]
    public async Task RateLimit_DefersOnlyThatSubscription()
    {
        Feed limited = app.NewFeed(1);
        limited.Mode = FeedMode.RateLimited;
        Feed healthy = app.NewFeed(1);
        Hook hook = app.NewHook();
        string limitedId = await app.SubscribeAsync(limited, hook);
        await app.SubscribeAsync(healthy, hook);
        DateTimeOffset start = app.Time.GetUtcNow();

        await app.TickAsync();
        JsonElement deferred = await app.GetSubscriptionAsync(limitedId);
        Assert.Equal(start.AddSeconds(120), deferred.GetProperty("next_poll_at").GetDateTimeOffset());
        Assert.Equal(0, deferred.GetProperty("consecutive_failures").GetInt32());
        Assert.Equal("ACTIVE", deferred.GetProperty("status").GetString());
        Assert.Contains("rate limit", deferred.GetProperty("last_error").GetString(), StringComparison.Ordinal);

        app.Time.Advance(TimeSpan.FromSeconds(60));
        await app.TickAsync();
        Assert.Equal(1, limited.Calls);
        Assert.Equal(2, healthy.Calls);

        limited.Mode = FeedMode.Ok;
        app.Time.Advance(TimeSpan.FromSeconds(61));
        await app.TickAsync();
        Assert.Equal(2, limited.Calls);
        Assert.Equal(3, healthy.Calls);
    }

    [Fact]
    public async Task TenFailuresPauseTheSubscription_AndResumeStartsItAgain()
    {
        Feed feed = app.NewFeed(1);
        feed.Mode = FeedMode.Failing;
        Hook hook = app.NewHook();
        string id = await app.SubscribeAsync(feed, hook);

        for (int failure = 1; failure <= 10; failure++)
        {
            await app.TickAsync();
            JsonElement state = await app.GetSubscriptionAsync(id);
            Assert.Equal(failure, state.GetProperty("consecutive_failures").GetInt32());
            Assert.Equal(failure < 10 ? "ACTIVE" : "PAUSED", state.GetProperty("status").GetString());
            app.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        }

        JsonElement paused = await app.GetSubscriptionAsync(id);
        Assert.Contains("10 times", paused.GetProperty("paused_reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("HTTP 500", paused.GetProperty("paused_reason").GetString(), StringComparison.Ordinal);
        int calls = feed.Calls;
        await app.TickAsync();
        Assert.Equal(calls, feed.Calls);

        feed.Mode = FeedMode.Ok;
        HttpResponseMessage resumed = await app.Client.PostAsync($"/api/subscriptions/{id}/resume", null);
        JsonElement active = await resumed.ReadJsonAsync();
        Assert.Equal("ACTIVE", active.GetProperty("status").GetString());
        Assert.Equal(0, active.GetProperty("consecutive_failures").GetInt32());
        Assert.Equal(JsonValueKind.Null, active.GetProperty("paused_reason").ValueKind);

        await app.TickAsync();
        Assert.Equal(calls + 1, feed.Calls);
        Assert.Equal(app.Time.GetUtcNow(), (await app.GetSubscriptionAsync(id)).GetProperty("last_poll_ts").GetDateTimeOffset());
    }

    [Fact]
    public async Task FiveMinuteTrigger_UnderAOneMinuteTick_PollsEveryFifthTick()
    {
        Feed slow = app.NewFeed(1);
        Feed fast = app.NewFeed(1);
        Hook hook = app.NewHook();
        await app.SubscribeAsync(slow, hook, trigger: "items_5m");
        await app.SubscribeAsync(fast, hook, trigger: "items");

        await app.TickAsync();
        for (int minute = 1; minute <= 10; minute++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            await app.TickAsync();
            Assert.Equal(1 + (minute / 5), slow.Calls);
        }

        Assert.Equal(11, fast.Calls);
    }

    [Fact]
    public async Task QueueDestination_GetsTheDeliveryBody_Base64Encoded()
    {
        Feed feed = app.NewFeed(5);
        string queueName = "deliveries-" + Guid.NewGuid().ToString("N")[..8];
        string id = await app.SubscribeAsync(feed, queue: queueName, deliverExisting: true);

        await app.TickAsync();

        QueueClient queue = new(app.Azurite.ConnectionString, queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        QueueMessage[] messages = (await queue.ReceiveMessagesAsync(maxMessages: 10)).Value;
        QueueMessage message = Assert.Single(messages);
        using JsonDocument body = JsonDocument.Parse(message.Body.ToString());
        Assert.Equal(id, body.RootElement.GetProperty("subscription_id").GetString());
        Assert.Equal(DeliveryFormat.EventId(id, "5"), body.RootElement.GetProperty("event_id").GetString());
        Assert.Equal(5, body.RootElement.GetProperty("record").GetProperty("id").GetInt32());
        Assert.Equal("item 5", body.RootElement.GetProperty("record").GetProperty("data").GetProperty("name").GetString());
    }

    [Fact]
    public async Task DeletedSubscription_IsNeverPolledAgain()
    {
        Feed feed = app.NewFeed(1);
        Hook hook = app.NewHook();
        string id = await app.SubscribeAsync(feed, hook);
        await app.TickAsync();

        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await app.Client.DeleteAsync($"/api/subscriptions/{id}")).StatusCode);
        feed.Add(2);
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await app.TickAsync();

        Assert.Equal(1, feed.Calls);
        Assert.Empty(hook.Attempts);
        await (await app.Client.GetAsync($"/api/subscriptions/{id}")).ProblemAsync(404);
        await (await app.Client.DeleteAsync($"/api/subscriptions/{id}")).ProblemAsync(404);
    }

    [Fact]
    public async Task SubscriptionDeletedDuringItsPoll_DeliversNothing_AndLeavesNoRows()
    {
        Feed feed = app.NewFeed(1, 2);
        Hook hook = app.NewHook();
        string id = await app.SubscribeAsync(feed, hook, deliverExisting: true);
        feed.DuringPoll = async () =>
        {
            feed.DuringPoll = null;
            Assert.True(await app.Services.GetRequiredService<SubscriptionStore>().DeleteAsync(id, default));
        };

        await app.TickAsync();
        app.Time.Advance(TimeSpan.FromMinutes(10));
        await app.TickAsync();

        Assert.Equal(1, feed.Calls);
        Assert.Empty(hook.Attempts);
        TableServiceClient tables = app.Services.GetRequiredService<StorageClients>().Tables;
        Assert.Empty(await tables.GetTableClient(SubscriptionStore.TableName).QueryAsync<TableEntity>($"PartitionKey eq '{id}'").ToListAsync());
        Assert.DoesNotContain(await tables.GetTableClient(SubscriptionStore.DueTableName).QueryAsync<TableEntity>().ToListAsync(), row => row.GetString("SubscriptionId") == id);
    }

    [Fact]
    public async Task ConnectionNoLongerActive_PausesItsSubscriptions()
    {
        Feed feed = app.NewFeed(1);
        Hook hook = app.NewHook();
        string id = await app.SubscribeAsync(feed, hook);
        string connectionId = (await app.GetSubscriptionAsync(id)).GetProperty("connection_id").GetString()!;
        await app.TickAsync();

        await app.Services.GetRequiredService<ConnectionStore>().UpdateStatusAsync(connectionId, ConnectionStatus.Expired, "refresh token revoked", default);
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await app.TickAsync();

        JsonElement paused = await app.GetSubscriptionAsync(id);
        Assert.Equal("PAUSED", paused.GetProperty("status").GetString());
        Assert.Contains("EXPIRED", paused.GetProperty("paused_reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("refresh token revoked", paused.GetProperty("paused_reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, feed.Calls);
    }

    [Fact]
    public async Task Logs_CarryTheSubscriptionAndEventIds_NeverTheSecret()
    {
        Feed feed = app.NewFeed(1);
        Hook hook = app.NewHook();
        string id = await app.SubscribeAsync(feed, hook, deliverExisting: true);

        await app.TickAsync();

        string eventId = hook.Received.Single().EventId;
        Assert.Contains(app.Logs, line => line.Contains(eventId, StringComparison.Ordinal) && line.Contains("Delivered", StringComparison.Ordinal));
        Assert.Contains(app.Logs, line => line.Contains(id, StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs, line => line.Contains(hook.Secret, StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs, line => line.Contains("good-key-123", StringComparison.Ordinal));
    }
}
