using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Patchbay.Server.Polling;
using Patchbay.Platform.Polling;

namespace Patchbay.Platform.Tests.Subscriptions;

/// <summary>The standalone host's schedule (under the Functions host the PollingTick timer function runs the same tick).</summary>
[Collection(PollingAppCollection.Name)]
public class PollingTickTests(PollingApp app) : IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Standalone_TheSchedulerRunsTicksOnPollingSchedule()
    {
        Feed feed = app.NewFeed(1);
        await app.SubscribeAsync(feed, app.NewHook());
        using var scheduler = new PollingScheduler(app.Poller, app.Services.GetRequiredService<PollChannel>(), Configuration(), app.Time, NullLogger<PollingScheduler>.Instance);

        await scheduler.StartAsync(default);
        for (int i = 0; i < 200 && feed.Calls == 0; i++)
        {
            app.Time.Advance(TimeSpan.FromSeconds(20));
            await Task.Delay(25);
        }

        await scheduler.StopAsync(default);
        Assert.True(feed.Calls >= 1, "the standalone scheduler never ran a tick");
    }

    [Fact]
    public async Task Standalone_ATickGoesThroughTheChannel_AndItsConsumerDeliversEachRecordOnce()
    {
        Feed feed = app.NewFeed(1, 2);
        Hook hook = app.NewHook();
        await app.SubscribeAsync(feed, hook, deliverExisting: true);
        var logs = new ConcurrentQueue<string>();
        using var scheduler = new PollingScheduler(app.Poller, app.Services.GetRequiredService<PollChannel>(), Configuration(), app.Time, new ListLogger<PollingScheduler>(logs));

        // The scheduler waits on the fake clock; each step lets the next occurrence come until the app's PollBatchConsumer has run the batch.
        await scheduler.StartAsync(default);
        for (int i = 0; i < 200 && !logs.Any(l => l.Contains("Polling tick", StringComparison.Ordinal)); i++)
        {
            app.Time.Advance(TimeSpan.FromSeconds(20));
            await Task.Delay(25);
        }

        await scheduler.StopAsync(default);
        // The batch step logged the batch (RunTickAsync does not: this tick went through the channel), and the tick waited for it.
        string tick = Assert.Single(logs, l => l.Contains("Polling tick", StringComparison.Ordinal) && l.Contains("1 due subscriptions in 1 batches", StringComparison.Ordinal));
        Assert.Contains("delivered 2 records", tick, StringComparison.Ordinal);
        Assert.Contains(app.Logs, l => l.Contains("Poll batch of tick", StringComparison.Ordinal) && l.Contains("delivered 2 records", StringComparison.Ordinal));
        Assert.Equal(["1", "2"], hook.RecordIds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void InvalidSchedule_FailsWithTheSettingName()
    {
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => PollingSchedule.Parse("*/5 * * * *"));
        Assert.Contains("PollingSchedule", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(1), PollingSchedule.Parse(null).GetNextOccurrence(DateTime.UnixEpoch)! - DateTime.UnixEpoch);
    }

    private sealed class ListLogger<T>(ConcurrentQueue<string> lines) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) => lines.Enqueue(formatter(state, exception));
    }

    private static IConfiguration Configuration() => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["PollingSchedule"] = "0 */1 * * * *" })
        .Build();
}
