using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Patchbay.Platform.Polling;
using Patchbay.Platform.Storage;
using Patchbay.Platform.Subscriptions;

namespace Patchbay.Platform.Tests.Subscriptions;

/// <summary>
/// The outbox is read oldest first and has a bound. A subscription whose receiver is down keeps its pending deliveries,
/// and its polls would add to them for as long as the deliveries back off (hours, before the failures pause it); at
/// <see cref="PollingConstants.MaxPendingDeliveries"/> pending, polls wait, the records staying upstream after
/// <c>last_poll_ts</c>, until deliveries bring the outbox under the bound. With more pending than one tick reads
/// (<see cref="PollingConstants.MaxOutboxRead"/>), the rows read are the oldest: its keys sort in the order it was queued in.
/// </summary>
[Collection(PollingAppCollection.Name)]
public class OutboxTests(PollingApp app) : IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task AFullOutbox_HoldsThePolls_UntilDeliveriesBringItUnderTheBound_ThenPollingGoesOnFromWhereItWas()
    {
        int bound = PollingConstants.MaxPendingDeliveries;
        Feed feed = app.NewFeed([.. Enumerable.Range(1, PollingConstants.SeenIdCapacity)]);
        Hook hook = app.NewHook();
        hook.FailuresLeft = int.MaxValue;
        string id = await app.SubscribeAsync(feed, hook, deliverExisting: true);

        // One poll fills the outbox to the bound; the receiver refuses the first delivery.
        PollingTickResult first = await app.TickAsync();
        Assert.Equal(1, first.Polled);
        Assert.Equal(1, feed.Calls);
        Assert.Equal(bound, (await app.GetSubscriptionAsync(id)).GetProperty("pending_deliveries").GetInt32());

        // Due again (30 s interval) and the delivery's backoff has passed: the delivery is tried, the poll waits.
        app.Time.Advance(TimeSpan.FromSeconds(31));
        app.TableRequests.Reset();
        PollingTickResult held = await app.TickAsync();
        // The tick read the first 1,000 outbox rows without their bodies (up to 882 KiB each), then the body of the delivery
        // it tried: one that failed before is tried alone first.
        Assert.Equal(1, app.TableRequests.Reads.Sum(read => read.Answer.Split("\"Body0\":").Length - 1));
        Assert.Equal(0, held.Polled);
        Assert.Equal(1, held.FailedDeliveries);
        Assert.Equal(1, feed.Calls);
        JsonElement waiting = await app.GetSubscriptionAsync(id);
        Assert.Equal("ACTIVE", waiting.GetProperty("status").GetString());
        Assert.Equal(bound, waiting.GetProperty("pending_deliveries").GetInt32());
        // The error shown is the cause: the failed delivery of this tick.
        Assert.StartsWith("Delivery of evt_", waiting.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        // Not due again before the outbox can move: the next delivery attempt (60 s after the second failure).
        Assert.Equal(app.Time.GetUtcNow() + TimeSpan.FromSeconds(60), waiting.GetProperty("next_poll_at").GetDateTimeOffset());

        // Asked for (no delivery is due yet), the poll waits as well, and says why.
        HttpResponseMessage asked = await app.Client.PostAsync($"/api/subscriptions/{id}/poll", null);
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        JsonElement answer = await asked.ReadJsonAsync();
        Assert.False(answer.GetProperty("polled").GetBoolean());
        Assert.Contains($"{bound} deliveries are pending", answer.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, feed.Calls);

        // The receiver is back: this tick delivers what one tick may (the poll still waits, decided before the deliveries).
        hook.FailuresLeft = 0;
        app.Time.Advance(TimeSpan.FromSeconds(61));
        PollingTickResult draining = await app.TickAsync();
        Assert.Equal(0, draining.Polled);
        Assert.Equal(PollingConstants.MaxDeliveriesPerTick, draining.Delivered);
        // Oldest first, the failed one at the head: the outbox is read in the order it was queued in, not by event id.
        Assert.Equal(Enumerable.Range(1, PollingConstants.MaxDeliveriesPerTick).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), hook.RecordIds);
        Assert.Equal(1, feed.Calls);

        // Under the bound: the next tick polls from the same last_poll_ts, and the record added meanwhile is queued.
        Assert.True(feed.Items.TryDequeue(out _));
        feed.Add(PollingConstants.SeenIdCapacity + 1);
        app.Time.Advance(TimeSpan.FromSeconds(1));
        PollingTickResult resumed = await app.TickAsync();
        Assert.Equal(1, resumed.Polled);
        Assert.Equal(2, feed.Calls);
        Assert.Equal(2 * PollingConstants.MaxDeliveriesPerTick, hook.Received.Count);
        JsonElement after = await app.GetSubscriptionAsync(id);
        Assert.Equal(bound + 1 - (2 * PollingConstants.MaxDeliveriesPerTick), after.GetProperty("pending_deliveries").GetInt32());
        Assert.DoesNotContain(hook.RecordIds, r => r == (PollingConstants.SeenIdCapacity + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ARowWrittenBeforeTheSequenceWasInItsKey_IsStillRead_InQueueOrder_AndAddressedByTheKeyItWasStoredUnder()
    {
        const string id = "sub_legacyoutbox";
        TableClient table = app.Services.GetRequiredService<StorageClients>().Tables.GetTableClient(SubscriptionStore.TableName);
        var legacy = new OutboxEntry { RowKey = OutboxEntry.RowPrefix + "evt_legacy", EventId = "evt_legacy", RecordId = "1", Body = [1, 2], Seq = 1, CreatedAt = app.Time.GetUtcNow() };
        var newer = new OutboxEntry { EventId = "evt_newer", RecordId = "2", Body = [3], Seq = 2, CreatedAt = app.Time.GetUtcNow() };
        await table.SubmitTransactionAsync([SubscriptionStore.OutboxInsert(id, legacy), SubscriptionStore.OutboxInsert(id, newer)]);
        var store = app.Services.GetRequiredService<SubscriptionStore>();

        IReadOnlyList<OutboxEntry> read = await store.ReadOutboxHeadersAsync(id, 10, default);
        Assert.Equal(["evt_legacy", "evt_newer"], read.Select(e => e.EventId));
        Assert.Equal([OutboxEntry.RowPrefix + "evt_legacy", OutboxEntry.RowPrefix + "0000000000000000002_evt_newer"], read.Select(e => e.RowKey));
        Assert.Equal([1, 2], (await store.ReadOutboxBodiesAsync(id, [read[0]], default))[read[0].RowKey]);

        // An attempt and a delete address the row by the key it was stored under.
        read[0].Attempts = 3;
        await table.SubmitTransactionAsync([SubscriptionStore.OutboxAttempt(id, read[0]), SubscriptionStore.OutboxDelete(id, read[1])]);
        OutboxEntry left = Assert.Single(await store.ReadOutboxHeadersAsync(id, 10, default));
        Assert.Equal(3, left.Attempts);
        await table.SubmitTransactionAsync([SubscriptionStore.OutboxDelete(id, left)]);
        Assert.Empty(await store.ReadOutboxHeadersAsync(id, 10, default));
    }
}
