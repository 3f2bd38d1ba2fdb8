namespace Patchbay.Testing.Functions.Tests;

/// <summary>The sample worker's timer function, invoked as the host's scheduler would.</summary>
[Collection(SampleWorkerCollection.Name)]
public sealed class TimerFunctionTests(SampleWorkerFixture fixture)
{
    private FunctionsHostDouble Host => fixture.Host;

    [Fact]
    public void The_schedule_setting_is_resolved_from_the_app_settings()
    {
        TimerTriggerDescriptor? timer = Assert.Single(Host.Functions, f => f.Name == "Tick").Timer;

        Assert.NotNull(timer);
        Assert.Equal("%Schedule%", timer.ScheduleExpression);
        Assert.Equal(SampleWorkerFixture.Schedule, timer.Schedule);
        Assert.Equal("timer", timer.BindingName);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_tick_runs_the_function_with_the_TimerInfo_and_the_app_settings(bool isPastDue)
    {
        FunctionInvocationResult result = await Host.InvokeTimerAsync("Tick", isPastDue);

        Assert.Equal(FunctionInvocationStatus.Succeeded, result.Status);
        WorkerLogEntry log = await Host.WaitForLogAsync(l => l.InvocationId == result.InvocationId && l.Message.StartsWith("Tick ran", StringComparison.Ordinal));
        Assert.Contains($"IsPastDue={isPastDue}", log.Message);
        Assert.Contains("SampleSetting=from-app-settings", log.Message);
        Assert.False(log.IsSystemLog);
    }

    [Theory]
    [InlineData("Health")]
    [InlineData("NoSuchFunction")]
    public async Task Only_timer_functions_can_be_ticked(string name)
    {
        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => Host.InvokeTimerAsync(name));

        Assert.Contains("Timer functions: Tick", error.Message);
    }
}
