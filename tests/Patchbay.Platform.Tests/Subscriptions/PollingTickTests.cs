using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
        using var scheduler = new PollingScheduler(app.Poller, Configuration(), app.Time, NullLogger<PollingScheduler>.Instance);

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
    public void InvalidSchedule_FailsWithTheSettingName()
    {
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => PollingSchedule.Parse("*/5 * * * *"));
        Assert.Contains("PollingSchedule", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(1), PollingSchedule.Parse(null).GetNextOccurrence(DateTime.UnixEpoch)! - DateTime.UnixEpoch);
    }

    private static IConfiguration Configuration() => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["PollingSchedule"] = "0 */1 * * * *" })
        .Build();
}
