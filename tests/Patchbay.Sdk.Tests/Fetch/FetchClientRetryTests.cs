using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Sdk.Tests.Fetch;

[Collection(LoopbackCollection.Name)]
public class FetchClientRetryTests(LoopbackServers servers)
{
    private LoopbackServer Server => servers.Primary;

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Get_FailsTwiceThenSucceeds_ReturnsAfterThreeCalls()
    {
        string route = Server.Route((ctx, call) => call <= 2 ? Status(ctx, 500) : ctx.Response.WriteAsJsonAsync(new { ok = true }));
        using FetchClient client = FetchTestClients.Create();

        FetchResponse response = await FetchTestClients.Context(client).FetchAsync(Server.Url(route), cancellationToken: Ct);

        Assert.Equal(200, response.Status);
        Assert.True(response.Data.GetProperty("ok").GetBoolean());
        Assert.Equal(3, Server.Seen(route).Count);
    }

    [Fact]
    public async Task Get_FailsMoreThanMaxRetries_ThrowsHttpErrorAfterMaxRetriesPlusOneCalls()
    {
        string route = Server.Route((ctx, _) => Status(ctx, 500));
        using FetchClient client = FetchTestClients.Create(maxRetries: 2);

        HttpError error = await Assert.ThrowsAsync<HttpError>(() => FetchTestClients.Context(client).FetchAsync(Server.Url(route), cancellationToken: Ct));

        Assert.Equal(500, error.Status);
        Assert.Equal(3, Server.Seen(route).Count);
    }

    [Fact]
    public async Task Get_MaxRetriesZero_SendsOnce()
    {
        string route = Server.Route((ctx, _) => Status(ctx, 502));
        using FetchClient client = FetchTestClients.Create(maxRetries: 0);

        HttpError error = await Assert.ThrowsAsync<HttpError>(() => FetchTestClients.Context(client).FetchAsync(Server.Url(route), cancellationToken: Ct));

        Assert.Equal(502, error.Status);
        Assert.Single(Server.Seen(route));
    }

    [Fact]
    public async Task Get_429WithShortRetryAfter_WaitsAndSucceeds()
    {
        string route = Server.Route((ctx, call) => call == 1 ? RateLimited(ctx, "1") : ctx.Response.WriteAsync("done"));
        var clock = new TestClock();
        using FetchClient client = FetchTestClients.Create(timeout: TimeSpan.FromSeconds(30), timeProvider: clock);

        Task<FetchResponse> fetch = FetchTestClients.Context(client).FetchAsync(Server.Url(route), cancellationToken: Ct);
        Assert.Equal(TimeSpan.FromSeconds(30), await clock.NextTimerAsync()); // attempt 1's timeout
        Assert.Equal(TimeSpan.FromSeconds(1), await clock.NextTimerAsync()); // the backoff is the Retry-After
        Assert.Single(Server.Seen(route)); // and nothing is sent until it has passed
        clock.Advance(TimeSpan.FromSeconds(1));
        FetchResponse response = await fetch.WaitAsync(TestWait.HangGuard);

        Assert.Equal("done", response.Data.GetString());
        Assert.Equal(2, Server.Seen(route).Count);
    }

    [Fact]
    public async Task Post_429WithShortRetryAfter_IsRetried()
    {
        string route = Server.Route((ctx, call) => call == 1 ? RateLimited(ctx, "0") : ctx.Response.WriteAsJsonAsync(new { created = 1 }));
        using FetchClient client = FetchTestClients.Create();

        FetchResponse response = await FetchTestClients.Context(client).FetchAsync(Server.Url(route), HttpMethod.Post, json: new { name = "x" }, cancellationToken: Ct);

        Assert.Equal(1, response.Data.GetProperty("created").GetInt32());
        Assert.All(Server.Seen(route), r => Assert.Equal("{\"name\":\"x\"}", r.Body));
        Assert.Equal(2, Server.Seen(route).Count);
    }

    [Fact]
    public async Task Get_429WithLongRetryAfter_ThrowsRateLimitErrorAtOnce()
    {
        string route = Server.Route((ctx, _) => RateLimited(ctx, "120"));
        var clock = new TestClock(); // never moved on: the call can only end if it does not wait
        using FetchClient client = FetchTestClients.Create(baseDelay: TimeSpan.FromSeconds(10), timeProvider: clock);

        RateLimitError error = await Assert.ThrowsAsync<RateLimitError>(() =>
            FetchTestClients.Context(client).FetchAsync(Server.Url(route), cancellationToken: Ct).WaitAsync(TestWait.HangGuard));

        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.Equal(429, error.Status);
        Assert.Single(Server.Seen(route));
    }

    [Fact]
    public async Task Get_429WithHttpDateRetryAfter_ReadsTheDate()
    {
        var clock = new TestClock();
        string route = Server.Route((ctx, _) => RateLimited(ctx, clock.GetUtcNow().AddMinutes(10).ToString("R")));
        using FetchClient client = FetchTestClients.Create(timeProvider: clock);

        RateLimitError error = await Assert.ThrowsAsync<RateLimitError>(() =>
            FetchTestClients.Context(client).FetchAsync(Server.Url(route), cancellationToken: Ct).WaitAsync(TestWait.HangGuard));

        Assert.Equal(TimeSpan.FromMinutes(10), error.RetryAfter);
        Assert.Single(Server.Seen(route));
    }

    [Fact]
    public async Task Get_429WithoutRetryAfter_ThrowsRateLimitErrorWithDefaultWait()
    {
        string route = Server.Route((ctx, _) => Status(ctx, 429));
        using FetchClient client = FetchTestClients.Create();

        RateLimitError error = await Assert.ThrowsAsync<RateLimitError>(() => FetchTestClients.Context(client).FetchAsync(Server.Url(route), cancellationToken: Ct));

        Assert.Equal(TimeSpan.FromSeconds(60), error.RetryAfter);
        Assert.Single(Server.Seen(route));
    }

    [Fact]
    public async Task Get_503WithLongRetryAfter_ThrowsHttpErrorWithoutRetrying()
    {
        string route = Server.Route((ctx, _) =>
        {
            ctx.Response.Headers.RetryAfter = "3600";
            return Status(ctx, 503);
        });
        using FetchClient client = FetchTestClients.Create();

        HttpError error = await Assert.ThrowsAsync<HttpError>(() => FetchTestClients.Context(client).FetchAsync(Server.Url(route), cancellationToken: Ct));

        Assert.Equal(503, error.Status);
        Assert.IsNotType<RateLimitError>(error);
        Assert.Single(Server.Seen(route));
    }

    [Fact]
    public async Task Post_503WithShortRetryAfter_IsRetried()
    {
        string route = Server.Route((ctx, call) =>
        {
            if (call > 1) return ctx.Response.WriteAsync("ok");
            ctx.Response.Headers.RetryAfter = "0";
            return Status(ctx, 503);
        });
        using FetchClient client = FetchTestClients.Create();

        FetchResponse response = await FetchTestClients.Context(client).FetchAsync(Server.Url(route), HttpMethod.Post, cancellationToken: Ct);

        Assert.Equal(200, response.Status);
        Assert.Equal(2, Server.Seen(route).Count);
    }

    [Fact]
    public async Task Get_ConnectionResetMidResponse_IsRetried()
    {
        string route = Server.Route(async (ctx, call) =>
        {
            if (call == 1)
            {
                ctx.Response.ContentLength = 1000;
                await ctx.Response.WriteAsync("{\"partial\":");
                await ctx.Response.Body.FlushAsync();
                ctx.Abort();
                return;
            }

            await ctx.Response.WriteAsJsonAsync(new { whole = true });
        });
        using FetchClient client = FetchTestClients.Create();

        FetchResponse response = await FetchTestClients.Context(client).FetchAsync(Server.Url(route), cancellationToken: Ct);

        Assert.True(response.Data.GetProperty("whole").GetBoolean());
        Assert.Equal(2, Server.Seen(route).Count);
    }

    [Fact]
    public async Task Get_NeverAnswers_ThrowsTimeoutExceptionAfterEveryAttempt()
    {
        using var arrivals = new SemaphoreSlim(0);
        string route = Server.Route((ctx, _) => ArriveAndHang(ctx, arrivals));
        var clock = new TestClock();
        using FetchClient client = FetchTestClients.Create(maxRetries: 1, timeout: TimeSpan.FromMilliseconds(200), baseDelay: TimeSpan.FromSeconds(1), timeProvider: clock);

        Task<FetchResponse> fetch = FetchTestClients.Context(client).FetchAsync(Server.Url(route), cancellationToken: Ct);
        await TimeOutAttemptAsync(clock, arrivals, TimeSpan.FromMilliseconds(200));
        await clock.FireNextTimerAsync(); // the backoff
        await TimeOutAttemptAsync(clock, arrivals, TimeSpan.FromMilliseconds(200));
        TimeoutException error = await Assert.ThrowsAsync<TimeoutException>(() => fetch.WaitAsync(TestWait.HangGuard));

        Assert.Contains("2 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, Server.Seen(route).Count);
    }

    [Fact]
    public async Task Get_PerRequestTimeout_OverridesTheDefault()
    {
        using var arrivals = new SemaphoreSlim(0);
        string route = Server.Route((ctx, _) => ArriveAndHang(ctx, arrivals));
        var clock = new TestClock();
        using FetchClient client = FetchTestClients.Create(maxRetries: 0, timeout: TimeSpan.FromSeconds(30), timeProvider: clock);

        Task<FetchResponse> fetch = FetchTestClients.Context(client).FetchAsync(Server.Url(route), timeout: TimeSpan.FromMilliseconds(150), cancellationToken: Ct);
        await TimeOutAttemptAsync(clock, arrivals, TimeSpan.FromMilliseconds(150));

        TimeoutException error = await Assert.ThrowsAsync<TimeoutException>(() => fetch.WaitAsync(TestWait.HangGuard));
        Assert.Contains("after 150 ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_NeverAnswers_IsNotRetried()
    {
        using var arrivals = new SemaphoreSlim(0);
        string route = Server.Route((ctx, _) => ArriveAndHang(ctx, arrivals));
        var clock = new TestClock();
        using FetchClient client = FetchTestClients.Create(timeout: TimeSpan.FromMilliseconds(200), timeProvider: clock);

        Task<FetchResponse> fetch = FetchTestClients.Context(client).FetchAsync(Server.Url(route), HttpMethod.Post, json: new { a = 1 }, cancellationToken: Ct);
        await TimeOutAttemptAsync(clock, arrivals, TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAsync<TimeoutException>(() => fetch.WaitAsync(TestWait.HangGuard));
        Assert.Single(Server.Seen(route));
    }

    [Fact]
    public async Task Post_Answered500_ThrowsHttpErrorAfterExactlyOnePost()
    {
        string route = Server.Route((ctx, _) =>
        {
            ctx.Response.StatusCode = 500;
            return ctx.Response.WriteAsJsonAsync(new { message = "database on fire" });
        });
        using FetchClient client = FetchTestClients.Create();

        HttpError error = await Assert.ThrowsAsync<HttpError>(() => FetchTestClients.Context(client).FetchAsync(Server.Url(route), HttpMethod.Post, json: new { a = 1 }, cancellationToken: Ct));

        Assert.Equal(500, error.Status);
        Assert.Equal("database on fire", error.ResponseMessage);
        Assert.Equal("database on fire", error.ResponseData.GetProperty("message").GetString());
        Assert.Single(Server.Seen(route), r => r.Method == "POST");
    }

    [Fact]
    public async Task Patch_ResetMidResponse_IsNotRetried()
    {
        string route = Server.Route(async (ctx, _) =>
        {
            ctx.Response.ContentLength = 100;
            await ctx.Response.WriteAsync("{");
            await ctx.Response.Body.FlushAsync();
            ctx.Abort();
        });
        using FetchClient client = FetchTestClients.Create();

        await Assert.ThrowsAsync<HttpRequestException>(() => FetchTestClients.Context(client).FetchAsync(Server.Url(route), HttpMethod.Patch, json: new { a = 1 }, cancellationToken: Ct));

        Assert.Single(Server.Seen(route));
    }

    [Fact]
    public async Task Post_ConnectionRefused_IsRetriedThenThrowsClearError()
    {
        int port = ClosedPort();
        var logger = new CapturingLogger();
        using FetchClient client = FetchTestClients.Create(logger, maxRetries: 2);

        HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            FetchTestClients.Context(client).FetchAsync($"http://127.0.0.1:{port}/items", HttpMethod.Post, json: new { a = 1 }, cancellationToken: Ct));

        Assert.Contains("could not connect", error.Message, StringComparison.Ordinal);
        Assert.Contains("3 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, logger.Lines.Count(l => l.Contains("Sending POST", StringComparison.Ordinal)));
        Assert.Equal(2, logger.Lines.Count(l => l.Contains("Retrying POST", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Get_CancelledDuringBackoff_ThrowsOperationCanceledPromptly()
    {
        string route = Server.Route((ctx, _) => Status(ctx, 500));
        var clock = new TestClock(); // never moved on: only the cancellation can end the backoff
        using FetchClient client = FetchTestClients.Create(baseDelay: TimeSpan.FromSeconds(30), timeProvider: clock);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        Task<FetchResponse> fetch = FetchTestClients.Context(client).FetchAsync(Server.Url(route), cancellationToken: cts.Token);
        Assert.Equal(TimeSpan.FromSeconds(10), await clock.NextTimerAsync()); // attempt 1's timeout
        TimeSpan backoff = await clock.NextTimerAsync(); // the server answered 500 and the client is waiting to retry
        Assert.True(backoff > TimeSpan.Zero, $"backoff {backoff}");
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetch.WaitAsync(TestWait.HangGuard));
        Assert.Single(Server.Seen(route));
    }

    [Fact]
    public async Task Get_CancelledWhileWaitingForAnswer_ThrowsOperationCanceledNotTimeout()
    {
        using var arrivals = new SemaphoreSlim(0);
        string route = Server.Route((ctx, _) => ArriveAndHang(ctx, arrivals));
        using FetchClient client = FetchTestClients.Create(timeout: TimeSpan.FromSeconds(20), timeProvider: new TestClock());
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        Task<FetchResponse> fetch = FetchTestClients.Context(client).FetchAsync(Server.Url(route), cancellationToken: cts.Token);
        Assert.True(await arrivals.WaitAsync(TestWait.HangGuard), "the request never reached the server");
        await cts.CancelAsync();

        Exception error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetch.WaitAsync(TestWait.HangGuard));
        Assert.IsNotType<TimeoutException>(error);
        Assert.Single(Server.Seen(route));
    }

    /// <summary>Waits until the attempt's timeout timer exists and its request reached the server, then lets the timeout fire.</summary>
    private static async Task TimeOutAttemptAsync(TestClock clock, SemaphoreSlim arrivals, TimeSpan timeout)
    {
        Assert.Equal(timeout, await clock.NextTimerAsync());
        Assert.True(await arrivals.WaitAsync(TestWait.HangGuard), "the request never reached the server");
        clock.Advance(timeout);
    }

    internal static Task ArriveAndHang(HttpContext context, SemaphoreSlim arrivals)
    {
        arrivals.Release();
        return Hang(context);
    }

    internal static Task Status(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    internal static Task RateLimited(HttpContext context, string retryAfter)
    {
        context.Response.Headers.RetryAfter = retryAfter;
        context.Response.StatusCode = 429;
        return Task.CompletedTask;
    }

    internal static async Task Hang(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }

    internal static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
