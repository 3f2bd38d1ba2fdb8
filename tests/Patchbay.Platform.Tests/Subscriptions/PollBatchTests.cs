using System.Text;
using Patchbay.Platform.Polling;
using Patchbay.Platform.Subscriptions;

namespace Patchbay.Platform.Tests.Subscriptions;

/// <summary>
/// The tick in two steps: the dispatch step's batches (the queue messages under the Functions host) and the batch step,
/// run once, twice and late, against a real Azurite, a loopback feed and webhook.
/// </summary>
[Collection(PollingAppCollection.Name)]
public class PollBatchTests(PollingApp app) : IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ABatch_ThroughItsMessageText_PollsOnTheGrid_ARepeatChangesNothing_AndALateOneRunsAsOfTheClock()
    {
        Feed feed = app.NewFeed(1, 2);
        Hook hook = app.NewHook();
        string id = await app.SubscribeAsync(feed, hook, deliverExisting: true, trigger: "items_5m");
        DateTimeOffset clock = app.Time.GetUtcNow();
        var scheduled = new DateTimeOffset(clock.Year, clock.Month, clock.Day, clock.Hour, clock.Minute, 0, TimeSpan.Zero).AddMinutes(2);

        // The timer fires 300 ms early; its batch is run 5 s later (as a queue message would be), from its text.
        app.Time.SetUtcNow(scheduled.AddMilliseconds(-300));
        PollBatch batch = Assert.Single(await DispatchAsync(scheduled));
        Assert.True(PollBatch.TryParse(batch.ToText(), out PollBatch? message, out string? problem), problem);
        app.Time.SetUtcNow(scheduled.AddSeconds(5));
        PollingTickResult first = await app.Poller.RunBatchAsync(message!, default);

        Assert.Equal(id, Assert.Single(message!.Entries).SubscriptionId);
        Assert.Equal(scheduled, message.ScheduledAt);
        Assert.Equal((1, 1, 2), (first.Due, first.Polled, first.Delivered));
        Assert.Equal(["1", "2"], hook.RecordIds.Order(StringComparer.Ordinal));
        Assert.Equal(scheduled.AddMinutes(5), (await app.GetSubscriptionAsync(id)).GetProperty("next_poll_at").GetDateTimeOffset());

        // At-least-once delivery: the same message again finds the subscription no longer due and does nothing.
        feed.Add(3);
        PollingTickResult repeated = await app.Poller.RunBatchAsync(message, default);
        Assert.Equal((1, 0, 0, 1), (repeated.Due, repeated.Polled, repeated.Delivered, repeated.Skipped));
        Assert.Equal(1, feed.Calls);
        Assert.Equal(["1", "2"], hook.RecordIds.Order(StringComparer.Ordinal));

        // Five minutes on, a batch that waited 2 minutes in the queue (past the 30 s tolerance) polls as of the clock.
        DateTimeOffset next = scheduled.AddMinutes(5);
        app.Time.SetUtcNow(next);
        PollBatch late = Assert.Single(await DispatchAsync(next));
        app.Time.SetUtcNow(next.AddMinutes(2));
        PollingTickResult lateRun = await app.Poller.RunBatchAsync(late, default);

        Assert.Equal((1, 1), (lateRun.Polled, lateRun.Delivered));
        Assert.Equal(["1", "2", "3"], hook.RecordIds.Order(StringComparer.Ordinal));
        Assert.Equal(next.AddMinutes(7), (await app.GetSubscriptionAsync(id)).GetProperty("next_poll_at").GetDateTimeOffset());
        Assert.Contains(app.Logs, l => l.Contains("Poll batch of tick " + late.TickId, StringComparison.Ordinal) && l.Contains("its subscriptions run as of the clock", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheDispatchStep_SendsAtMost32DueEntriesPerBatch_AndPollsNothing()
    {
        Feed feed = app.NewFeed(1);
        string[] ids = new string[33];
        for (int i = 0; i < ids.Length; i++) ids[i] = await app.SubscribeAsync(feed, app.NewHook());

        IReadOnlyList<PollBatch> batches = await DispatchAsync(null);

        Assert.Equal([32, 1], batches.Select(b => b.Entries.Count));
        Assert.Equal(ids.Order(StringComparer.Ordinal), batches.SelectMany(b => b.Entries).Select(e => e.SubscriptionId).Order(StringComparer.Ordinal));
        Assert.Single(batches.Select(b => b.TickId).Distinct());
        Assert.All(batches, b => Assert.Null(b.ScheduledAt));
        Assert.Equal(0, feed.Calls);
    }

    [Fact]
    public void AMessage_RoundTrips_IsBounded_AndABadOneIsRefusedWithTheReason()
    {
        // The largest batch the format allows fits a Storage queue message once base64-encoded.
        DueEntry[] largest = [.. Enumerable.Range(0, PollBatch.MaxEntries).Select(i => new DueEntry(new string('k', PollBatch.MaxKeyLength - 3) + i.ToString("000", System.Globalization.CultureInfo.InvariantCulture), new string('s', PollBatch.MaxIdLength)))];
        var batch = new PollBatch(new string('t', PollBatch.MaxTickIdLength), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(1), largest);
        string text = batch.ToText();
        Assert.InRange(text.Length, 1, PollBatch.MaxTextChars);
        Assert.InRange(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).Length, 1, 64 * 1024);
        Assert.True(PollBatch.TryParse(text, out PollBatch? parsed, out _));
        Assert.Equal(largest, parsed!.Entries);
        Assert.Equal((batch.TickId, batch.ScheduledAt, batch.DispatchedAt), (parsed.TickId, parsed.ScheduledAt, parsed.DispatchedAt));

        string Entry(int i) => $$"""{"id":"sub_{{i}}","key":"k{{i}}"}""";
        string Message(string due, int version = 1) => $$"""{"v":{{version}},"tick":"tick_1","scheduled_at":null,"dispatched_at":"2026-11-30T04:00:00+00:00","due":[{{due}}]}""";
        Assert.True(PollBatch.TryParse(Message(Entry(1)), out _, out _));
        (string Text, string Reason)[] bad =
        [
            ("", "empty"),
            ("not json", "not JSON"),
            ("[1]", "not a JSON object"),
            (Message(Entry(1), version: 2), "written by another version"),
            (Message(string.Join(',', Enumerable.Range(0, 33).Select(Entry))), "1 to 32"),
            (Message(""), "1 to 32"),
            (Message("""{"id":"sub 1","key":"k"}"""), "\"id\" is not a subscription id"),
            (Message("""{"id":"sub_1","key":"k\u0001"}"""), "\"key\" is not a due-index key"),
            (Message("""{"id":"sub_1"}"""), "\"key\" is not a due-index key"),
            (Message(Entry(1)).Replace("\"dispatched_at\":\"2026-11-30T04:00:00+00:00\"", "\"dispatched_at\":3", StringComparison.Ordinal), "dispatched_at"),
            (new string(' ', PollBatch.MaxTextChars) + Message(Entry(1)), $"at most {PollBatch.MaxTextChars}"),
        ];
        Assert.All(bad, b =>
        {
            Assert.False(PollBatch.TryParse(b.Text, out PollBatch? none, out string? problem));
            Assert.Null(none);
            Assert.Contains(b.Reason, problem, StringComparison.Ordinal);
        });
    }

    private async Task<IReadOnlyList<PollBatch>> DispatchAsync(DateTimeOffset? scheduledAt)
    {
        var sink = new ListSink();
        await app.Poller.DispatchTickAsync(scheduledAt, sink, default);
        return sink.Batches;
    }

    private sealed class ListSink : IPollBatchSink
    {
        public List<PollBatch> Batches { get; } = [];

        public ValueTask SendAsync(PollBatch batch, CancellationToken cancellationToken)
        {
            Batches.Add(batch);
            return ValueTask.CompletedTask;
        }
    }
}
