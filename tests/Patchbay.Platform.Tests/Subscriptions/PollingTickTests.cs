using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Patchbay.Server.Polling;
using Patchbay.Platform.Polling;

namespace Patchbay.Platform.Tests.Subscriptions;

/// <summary>The timer function as the Functions host calls it, and the standalone schedule.</summary>
[Collection(PollingAppCollection.Name)]
public class PollingTickTests(PollingApp app) : IAsyncLifetime
{
    // Payloads as azure-functions-host sends them (DESIGN.md "Why a custom handler").
    public const string HostPayload = """{"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"2026-11-24T06:43:06.03+00:00","Next":"2026-11-24T06:48:06.03+00:00","LastUpdated":"2026-11-24T06:43:06.03+00:00"},"IsPastDue":false}},"Metadata":{"sys":{"MethodName":"PollingTick","UtcNow":"2026-11-24T06:48:06.088Z","RandGuid":"6256f229-0000-0000-0000-000000000000"}}}""";
    public const string NullScheduleStatus = """{"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false}},"Metadata":{"sys":{"MethodName":"PollingTick","UtcNow":"2026-11-24T06:48:06.088Z","RandGuid":"6256f229-0000-0000-0000-000000000000"}}}""";
    public const string PastDue = """{"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"2026-11-24T06:43:06.03+00:00","Next":"2026-11-24T06:44:06.03+00:00","LastUpdated":"2026-11-24T06:43:06.03+00:00"},"IsPastDue":true}},"Metadata":{"sys":{"MethodName":"PollingTick","UtcNow":"2026-11-24T06:48:06.088Z","RandGuid":"6256f229-0000-0000-0000-000000000000"}}}""";

    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(HostPayload)]
    [InlineData(NullScheduleStatus)]
    [InlineData(PastDue)]
    [InlineData("")]
    public async Task HostTimerPayload_RunsTheTick_AndAnswersTheInvocationShape(string payload)
    {
        Feed feed = app.NewFeed(1);
        Hook hook = app.NewHook();
        string id = await app.SubscribeAsync(feed, hook, deliverExisting: true);

        using var content = new StringContent(payload, System.Text.Encoding.UTF8, "application/json");
        HttpResponseMessage response = await app.Client.PostAsync("/PollingTick", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JsonElement body = await response.ReadJsonAsync();
        Assert.Equal(JsonValueKind.Object, body.GetProperty("Outputs").ValueKind);
        Assert.Empty(body.GetProperty("Outputs").EnumerateObject());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("ReturnValue").ValueKind);
        string log = Assert.Single(body.GetProperty("Logs").EnumerateArray()).GetString()!;
        Assert.StartsWith("polled 1 subscriptions, delivered 1 records", log, StringComparison.Ordinal);
        Assert.Equal(1, feed.Calls);
        Assert.Equal(["1"], hook.RecordIds);
        Assert.Equal(app.Time.GetUtcNow(), (await app.GetSubscriptionAsync(id)).GetProperty("last_poll_ts").GetDateTimeOffset());
    }

    [Fact]
    public async Task Standalone_TheSchedulerRunsTicksOnPollingSchedule()
    {
        Feed feed = app.NewFeed(1);
        await app.SubscribeAsync(feed, app.NewHook());
        using var scheduler = new PollingScheduler(app.Poller, Configuration(underHost: false), app.Time, NullLogger<PollingScheduler>.Instance);

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
    public async Task UnderTheFunctionsHost_NoBackgroundTimerRuns()
    {
        Feed feed = app.NewFeed(1);
        await app.SubscribeAsync(feed, app.NewHook());
        using var scheduler = new PollingScheduler(app.Poller, Configuration(underHost: true), app.Time, NullLogger<PollingScheduler>.Instance);

        await scheduler.StartAsync(default);
        for (int i = 0; i < 10; i++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(25);
        }

        await scheduler.StopAsync(default);
        Assert.Equal(0, feed.Calls);
    }

    [Fact]
    public void InvalidSchedule_FailsWithTheSettingName()
    {
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => PollingSchedule.Parse("*/5 * * * *"));
        Assert.Contains("PollingSchedule", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(1), PollingSchedule.Parse(null).GetNextOccurrence(DateTime.UnixEpoch)! - DateTime.UnixEpoch);
    }

    private static IConfiguration Configuration(bool underHost) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PollingSchedule"] = "0 */1 * * * *",
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = underHost ? "7777" : null,
        })
        .Build();
}
