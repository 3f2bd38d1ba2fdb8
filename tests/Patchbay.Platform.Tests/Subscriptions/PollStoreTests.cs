using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Patchbay.Platform.Polling;
using Patchbay.Platform.Storage;
using Patchbay.Platform.Subscriptions;

namespace Patchbay.Platform.Tests.Subscriptions;

/// <summary>
/// Issue 15, target 3: the table requests a poll costs (counted on the app's own Table pipeline, against Azurite), and the
/// claim on the due index: one due row per subscription, moved by the claim; leases released by the outcome commit.
/// </summary>
[Collection(PollingAppCollection.Name)]
public class PollStoreTests(PollingApp app) : IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private SubscriptionStore Store => app.Services.GetRequiredService<SubscriptionStore>();

    private TableClient Due => app.Services.GetRequiredService<StorageClients>().Tables.GetTableClient(SubscriptionStore.DueTableName);

    // The subscription's rows in the due index: its due row ({time}_{id}) and its pointer (s_{id}).
    private async Task<List<string>> IndexRowsAsync(string id) =>
        [.. (await Due.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]).ToListAsync()).Where(r => r.RowKey.EndsWith(id, StringComparison.Ordinal)).Select(r => r.RowKey)];

    // The Table requests of one tick, without the connection reads (the test connector needs a connection; the bench's does not).
    private async Task<string[]> TickRequestsAsync()
    {
        app.TableRequests.Reset();
        PollingTickResult result = await app.TickAsync();
        Assert.Equal(0, result.Errors);
        return [.. app.TableRequests.Requests.Where(r => !r.Contains("/connections", StringComparison.Ordinal))];
    }

    [Fact]
    public async Task APollWithNothingNew_IsThreeTableRequests_ANewRecordFour_PlusOneDueQueryPerIndexPartition()
    {
        Feed[] feeds = [.. Enumerable.Range(0, 3).Select(_ => app.NewFeed(1))];
        Hook[] hooks = [.. feeds.Select(_ => app.NewHook())];
        for (int i = 0; i < feeds.Length; i++) await app.SubscribeAsync(feeds[i], hooks[i]);
        int n = feeds.Length;

        string[] baseline = await TickRequestsAsync();
        Assert.Equal(DueIndex.Shards + (3 * n), baseline.Length);
        // The due query: one range query per index partition, nothing else reads the index.
        Assert.Equal(DueIndex.Shards, baseline.Count(r => r.StartsWith("GET ", StringComparison.Ordinal) && r.Contains(SubscriptionStore.DueTableName, StringComparison.Ordinal)));

        foreach (Feed feed in feeds) feed.Add(2);
        app.Time.Advance(TimeSpan.FromMinutes(1));
        string[] oneNew = await TickRequestsAsync();
        Assert.All(hooks, hook => Assert.Equal(["2"], hook.RecordIds));
        // Read, claim, outbox commit, outcome commit.
        Assert.Equal(DueIndex.Shards + (4 * n), oneNew.Length);

        app.Time.Advance(TimeSpan.FromMinutes(1));
        string[] nothingNew = await TickRequestsAsync();
        Assert.All(feeds, feed => Assert.Equal(3, feed.Calls));
        Assert.Equal(DueIndex.Shards + (3 * n), nothingNew.Length);
        // Per subscription: one read of its state row and two transactions (the claim, the outcome).
        Assert.Equal(n, nothingNew.Count(r => r.StartsWith("GET ", StringComparison.Ordinal) && r.Contains("/subscriptions(", StringComparison.Ordinal)));
        Assert.Equal(2 * n, nothingNew.Count(r => r.EndsWith("/$batch", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SubscriptionsOfOneConnection_ReadItOncePerBatch_SoAPollWithNothingNewStaysThreeTableRequests()
    {
        string connectionId = await app.CreateConnectionAsync();
        Feed[] feeds = [.. Enumerable.Range(0, 4).Select(_ => app.NewFeed(1))];
        Hook[] hooks = [.. feeds.Select(_ => app.NewHook())];
        for (int i = 0; i < feeds.Length; i++) await app.SubscribeAsync(feeds[i], hooks[i], connectionId: connectionId);
        int n = feeds.Length;
        await app.TickAsync();

        app.Time.Advance(TimeSpan.FromMinutes(1));
        app.TableRequests.Reset();
        PollingTickResult result = await app.TickAsync();
        Assert.Equal(n, result.Polled);
        Assert.All(feeds, feed => Assert.Equal(2, feed.Calls));
        string[] requests = [.. app.TableRequests.Requests];
        // The connection once for the batch (a point read of its row), then three requests per subscription as without auth.
        Assert.Equal(1, requests.Count(r => r.Contains("/connections", StringComparison.Ordinal)));
        Assert.Equal(DueIndex.Shards + (3 * n) + 1, requests.Length);

        // Read afresh by the next batch: a connection deleted between ticks pauses every subscription of it.
        Assert.True(await app.Services.GetRequiredService<Patchbay.Platform.Connections.ConnectionStore>().DeleteAsync(connectionId, default));
        app.Time.Advance(TimeSpan.FromMinutes(1));
        PollingTickResult afterDelete = await app.TickAsync();
        Assert.Equal(n, afterDelete.Paused);
        Assert.All(feeds, feed => Assert.Equal(2, feed.Calls));
    }

    [Fact]
    public async Task AConnectionReadThatFailed_IsForgotten_SoTheNextSubscriptionReadsAgain_AndASuccessfulReadIsShared()
    {
        string connectionId = await app.CreateConnectionAsync();
        var store = new FailingOnceConnectionStore(app.Services);
        var reads = new ConnectionReads(store, default);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => reads.GetWithCredentialsAsync(connectionId, default));
        var first = await reads.GetWithCredentialsAsync(connectionId, default);
        var second = await reads.GetWithCredentialsAsync(connectionId, default);

        Assert.Equal(connectionId, first?.Connection.Id);
        Assert.Equal(first, second);
        Assert.Equal(2, store.Reads);
    }

    [Fact]
    public async Task ListingAndResuming_ReadTheOutboxWithoutItsBodies_AndTheResumedDeliveriesAreWhole()
    {
        Feed feed = app.NewFeed(1, 2, 3);
        Hook hook = app.NewHook();
        hook.FailuresLeft = int.MaxValue;
        string id = await app.SubscribeAsync(feed, hook, deliverExisting: true);
        for (int tick = 1; tick <= 10; tick++)
        {
            await app.TickAsync();
            app.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        }

        Assert.Equal("PAUSED", (await app.GetSubscriptionAsync(id)).GetProperty("status").GetString());
        Assert.Empty(hook.Received);

        // Bodies are up to ~880 KB each; listing the events and resuming change or show everything else.
        app.TableRequests.Reset();
        JsonElement events = await (await app.Client.GetAsync($"/api/subscriptions/{id}/events")).ReadJsonAsync();
        Assert.Equal(3, events.EnumerateArray().Count(e => e.GetProperty("status").GetString() == "pending"));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await app.Client.PostAsync($"/api/subscriptions/{id}/resume", null)).StatusCode);
        (string Query, string Answer)[] outboxReads = [.. app.TableRequests.Reads.Where(r => r.Query.Contains($"RowKey ge '{OutboxEntry.RowPrefix}'", StringComparison.Ordinal))];
        Assert.Equal(2, outboxReads.Length);
        Assert.All(outboxReads, read => Assert.DoesNotContain("Body", read.Answer, StringComparison.Ordinal));
        Assert.All(outboxReads, read => Assert.Contains("EventId", read.Answer, StringComparison.Ordinal));

        // The deliveries themselves still carry their records.
        hook.FailuresLeft = 0;
        await app.TickAsync();
        Assert.Equal(["1", "2", "3"], hook.RecordIds.Order());
    }

    [Fact]
    public async Task ACrashAfterTheClaim_LeavesOneDueRow_HeldUntilTheLeaseLapses_ThenPolledFromWhereItWas_AndDeleteLeavesNoIndexRow()
    {
        Feed feed = app.NewFeed(1);
        Hook hook = app.NewHook();
        string id = await app.SubscribeAsync(feed, hook);
        Assert.Equal(2, (await IndexRowsAsync(id)).Count);
        await app.TickAsync();

        // Nothing new: the crash comes after the claim and before any write of the state row.
        app.Time.Advance(TimeSpan.FromMinutes(1));
        app.Faults.CrashAt = PollerFaultPoint.BeforeDelivery;
        Assert.Equal(1, (await app.TickAsync()).Errors);
        Assert.Equal(2, feed.Calls);
        Assert.Equal(2, (await IndexRowsAsync(id)).Count);

        // Due again (the claim put the row one interval on), but the crashed run's lease still holds it.
        feed.Add(2);
        app.Time.Advance(TimeSpan.FromMinutes(1));
        PollingTickResult held = await app.TickAsync();
        Assert.Equal(0, held.Polled);
        Assert.Equal(2, feed.Calls);

        app.Time.Advance(PollingConstants.LeaseDuration);
        PollingTickResult after = await app.TickAsync();
        Assert.Equal(1, after.Polled);
        Assert.Equal(["2"], hook.RecordIds);
        Assert.Equal(2, (await IndexRowsAsync(id)).Count);
        Assert.Equal(app.Time.GetUtcNow() + TimeSpan.FromSeconds(30), (await app.GetSubscriptionAsync(id)).GetProperty("next_poll_at").GetDateTimeOffset());

        Assert.True(await Store.DeleteAsync(id, default));
        Assert.Empty(await IndexRowsAsync(id));
    }

    [Fact]
    public async Task TheSameDueEntryTwice_ClaimsOnce_SoARepeatedMessageCannotRunASubscriptionTwice()
    {
        Feed feed = app.NewFeed(1);
        Hook hook = app.NewHook();
        string id = await app.SubscribeAsync(feed, hook);
        DateTimeOffset now = app.Time.GetUtcNow();
        DueEntry entry = Assert.Single(await Store.QueryDueAsync(now, 100, default), e => e.SubscriptionId == id);
        DueSlot slot = DueSlot.FromKey(entry.Key) ?? throw new InvalidOperationException("The due entry's key is not a slot: " + entry.Key);

        DueSlot? first = await Store.TryMoveDueAsync(id, slot, now + TimeSpan.FromSeconds(30), SubscriptionStore.NewLease("first", now), default);
        DueSlot? second = await Store.TryMoveDueAsync(id, slot, now + TimeSpan.FromSeconds(30), SubscriptionStore.NewLease("second", now), default);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal(2, (await IndexRowsAsync(id)).Count);
        // The first claim's lease was never released: a tick leaves the subscription alone until it lapses.
        app.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, (await app.TickAsync()).Polled);
        Assert.Equal(0, feed.Calls);
        await (await app.Client.PostAsync($"/api/subscriptions/{id}/poll", null)).ProblemAsync(409);

        app.Time.Advance(PollingConstants.LeaseDuration);
        Assert.Equal(1, (await app.TickAsync()).Polled);
        Assert.Equal(1, feed.Calls);
    }

    [Fact]
    public async Task ADueRowWhoseStateRowIsNotWrittenYet_IsLeftAloneWhileItsLeaseLasts_ThenDropped()
    {
        // What a create looks like between its two writes (the index first, under a lease the state row releases).
        string id = "sub_" + Guid.NewGuid().ToString("N");
        DateTimeOffset now = app.Time.GetUtcNow();
        Assert.NotNull(await Store.TryMoveDueAsync(id, null, now, SubscriptionStore.NewLease("create", now), default));

        PollingTickResult held = await app.TickAsync();
        Assert.Equal(1, held.Skipped);
        Assert.Equal(2, (await IndexRowsAsync(id)).Count);

        app.Time.Advance(PollingConstants.LeaseDuration + TimeSpan.FromSeconds(1));
        await app.TickAsync();
        Assert.Empty(await IndexRowsAsync(id));
    }

    [Fact]
    public async Task PausedAndResumed_KeepsExactlyOneDueRow_AndResumedIsPolledOnTheNextTick()
    {
        Feed feed = app.NewFeed(1);
        Hook hook = app.NewHook();
        string id = await app.SubscribeAsync(feed, hook);
        feed.Mode = FeedMode.Failing;
        for (int i = 0; i < 12 && (await app.GetSubscriptionAsync(id)).GetProperty("status").GetString() == "ACTIVE"; i++)
        {
            await app.TickAsync();
            app.Time.Advance(TimeSpan.FromHours(1));
        }

        Assert.Equal("PAUSED", (await app.GetSubscriptionAsync(id)).GetProperty("status").GetString());
        Assert.Empty(await IndexRowsAsync(id));
        int calls = feed.Calls;

        feed.Mode = FeedMode.Ok;
        Assert.Equal(System.Net.HttpStatusCode.OK, (await app.Client.PostAsync($"/api/subscriptions/{id}/resume", null)).StatusCode);
        Assert.Equal(2, (await IndexRowsAsync(id)).Count);
        Assert.Equal(1, (await app.TickAsync()).Polled);
        Assert.Equal(calls + 1, feed.Calls);
        Assert.Equal(2, (await IndexRowsAsync(id)).Count);
    }
}

/// <summary>The app's connection store, whose first read fails as a storage outage does.</summary>
internal sealed class FailingOnceConnectionStore(IServiceProvider services) : Patchbay.Platform.Connections.ConnectionStore(
    services.GetRequiredService<StorageClients>(), services.GetRequiredService<Patchbay.Platform.Connections.CredentialProtector>(), TimeProvider.System)
{
    private int _reads;

    public int Reads => Volatile.Read(ref _reads);

    public override Task<(Patchbay.Platform.Connections.Connection Connection, Patchbay.Sdk.ConnectorAuth Auth)?> GetWithCredentialsAsync(string id, CancellationToken cancellationToken) =>
        Interlocked.Increment(ref _reads) == 1
            ? Task.FromException<(Patchbay.Platform.Connections.Connection, Patchbay.Sdk.ConnectorAuth)?>(new StorageUnavailableException("Storage is unavailable (test)."))
            : base.GetWithCredentialsAsync(id, cancellationToken);
}
