using System.Net;

namespace Patchbay.Testing.Functions.Tests;

/// <summary>A worker that dies in the middle of an invocation is reported, not waited for.</summary>
public sealed class CrashingWorkerTests
{
    [Fact]
    public async Task A_worker_that_exits_during_an_invocation_is_reported_to_the_caller_and_to_later_calls()
    {
        await using FunctionsHostDouble host = await FunctionsHostDouble.StartAsync(SampleWorkerFixture.Options());
        using HttpClient client = host.CreateClient();

        using HttpResponseMessage crashed = await client.PostAsync("api/crash", content: null);
        int exitCode = await host.WorkerExited.WaitAsync(TimeSpan.FromMinutes(1)); // a guard against a hang, not a timing assertion
        using HttpResponseMessage afterwards = await client.GetAsync("api/health");
        WorkerExitedException tick = await Assert.ThrowsAsync<WorkerExitedException>(() => host.InvokeTimerAsync("Tick"));

        Assert.NotEqual(0, exitCode);
        Assert.Equal(HttpStatusCode.InternalServerError, crashed.StatusCode);
        string reason = await crashed.Content.ReadAsStringAsync();
        Assert.Contains($"exited with code {exitCode}", reason);
        Assert.Contains("Crash was asked to end the worker process.", reason); // FailFast's message, from the worker's stderr
        Assert.Equal(FunctionInvocationStatus.WorkerExited, Assert.Single(host.Invocations, i => i.FunctionName == "Crash").Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, afterwards.StatusCode);
        Assert.Contains("does not restart", await afterwards.Content.ReadAsStringAsync());
        Assert.Equal(exitCode, tick.ExitCode);
        Assert.Contains(tick.OutputTail, line => line.Contains("Crash was asked to end the worker process.", StringComparison.Ordinal));
    }
}
