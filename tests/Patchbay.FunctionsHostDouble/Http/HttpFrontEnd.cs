using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Patchbay.Testing.Functions.Functions;
using Patchbay.Testing.Functions.Hosting;
using Patchbay.Testing.Functions.Rpc;

namespace Patchbay.Testing.Functions.Http;

/// <summary>
/// The host's HTTP side on a loopback port: one ASP.NET Core endpoint per HTTP function (route template under
/// host.json's routePrefix, the declared methods), so ASP.NET Core routing answers 404 (no route) and 405 (route but
/// not the method) with empty bodies. A matched request becomes an InvocationRequest plus the same request proxied
/// to the worker's HttpUri with <c>x-ms-invocation-id</c>, and the worker's response goes back to the caller.
/// </summary>
internal sealed class HttpFrontEnd : IAsyncDisposable
{
    // Request and response headers that belong to one connection, not to the message (RFC 9110 7.6.1), plus Host.
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Host",
    };

    private readonly WebApplication _app;
    private readonly HttpMessageInvoker _forwarder;

    private HttpFrontEnd(WebApplication app, HttpMessageInvoker forwarder)
    {
        _app = app;
        _forwarder = forwarder;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>
    /// Waits until the worker's ASP.NET Core listener accepts a connection: the worker answers WorkerInitRequest from
    /// its gRPC hosted service, which may run before Kestrel listens. Polls 50 ms apart doubling to 250 ms, until
    /// <paramref name="cancellationToken"/> (the start budget) ends it.
    /// </summary>
    public static async Task WaitForWorkerListenerAsync(Uri workerHttpUri, CancellationToken cancellationToken)
    {
        TimeSpan delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            using var client = new System.Net.Sockets.TcpClient();
            try
            {
                await client.ConnectAsync(workerHttpUri.Host, workerHttpUri.Port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
            }
        }
    }

    public static async Task<HttpFrontEnd> StartAsync(
        IReadOnlyList<IndexedFunction> functions,
        Uri workerHttpUri,
        IReadOnlyDictionary<string, string> capabilities,
        Invoker invoker,
        Func<string?> workerGone,
        CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRouting();
        WebApplication app = builder.Build();

        // The host's proxy (DefaultHttpProxyService): no redirects, no cookies, no system proxy, retried connects.
        var forwarder = new HttpMessageInvoker(new RetryOnConnectFailureHandler(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = invoker.Timeout,
        }));
        var frontEnd = new HttpFrontEnd(app, forwarder);
        foreach (IndexedFunction function in functions.Where(f => f.Descriptor.Http is not null))
        {
            HttpTriggerDescriptor http = function.Descriptor.Http!;
            RequestDelegate handler = context => frontEnd.HandleAsync(function, workerHttpUri, capabilities, invoker, workerGone, context);
            IEndpointConventionBuilder endpoint = http.Methods.Count == 0 ? app.Map(http.RouteTemplate, handler) : app.MapMethods(http.RouteTemplate, http.Methods, handler);
            endpoint.WithDisplayName(function.Descriptor.Name);
        }

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await frontEnd.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        frontEnd.BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return frontEnd;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync().ConfigureAwait(false);
        _forwarder.Dispose();
    }

    public Task StopAsync(CancellationToken cancellationToken) => _app.StopAsync(cancellationToken);

    private static async Task WriteDoubleErrorAsync(HttpContext context, int status, string reason)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("Functions host double: " + reason, Encoding.UTF8, CancellationToken.None).ConfigureAwait(false);
    }

    private static async Task ObserveAsync(Task<HttpResponseMessage> forwarding)
    {
        try
        {
            using HttpResponseMessage ignored = await forwarding.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            // The invocation's outcome already decided the answer.
        }
    }

    private static HttpRequestMessage CreateForwardRequest(HttpContext context, Uri workerHttpUri, string invocationId)
    {
        HttpRequest request = context.Request;
        var target = new Uri(workerHttpUri, request.PathBase.ToUriComponent() + request.Path.ToUriComponent() + request.QueryString.ToUriComponent());
        var forward = new HttpRequestMessage(new HttpMethod(request.Method), target) { Version = HttpVersion.Version11 };
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            forward.Content = new StreamContent(request.Body);
        }

        foreach ((string name, Microsoft.Extensions.Primitives.StringValues values) in request.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!forward.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                forward.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        // What the host's forwarder (YARP) adds: the correlation header the worker's middleware requires, and X-Forwarded-*.
        forward.Headers.Remove("x-ms-invocation-id");
        forward.Headers.TryAddWithoutValidation("x-ms-invocation-id", invocationId);
        forward.Headers.Remove("X-Forwarded-For");
        forward.Headers.TryAddWithoutValidation("X-Forwarded-For", context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1");
        forward.Headers.Remove("X-Forwarded-Proto");
        forward.Headers.TryAddWithoutValidation("X-Forwarded-Proto", request.Scheme);
        forward.Headers.Remove("X-Forwarded-Host");
        forward.Headers.TryAddWithoutValidation("X-Forwarded-Host", request.Host.Value);
        return forward;
    }

    private async Task HandleAsync(
        IndexedFunction function,
        Uri workerHttpUri,
        IReadOnlyDictionary<string, string> capabilities,
        Invoker invoker,
        Func<string?> workerGone,
        HttpContext context)
    {
        if (workerGone() is { } reason)
        {
            await WriteDoubleErrorAsync(context, StatusCodes.Status503ServiceUnavailable, reason + " The double does not restart workers; start a new one.").ConfigureAwait(false);
            return;
        }

        string invocationId = Guid.NewGuid().ToString();
        InvocationRequest request = InvocationRequests.Http(function, invocationId, context.Request, capabilities);
        using var forwardCancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        forwardCancel.CancelAfter(invoker.Timeout);
        using HttpRequestMessage forward = CreateForwardRequest(context, workerHttpUri, invocationId);

        // As the host does: start proxying first, then send the invocation; the worker pairs them by invocation id.
        Task<HttpResponseMessage> forwarding = _forwarder.SendAsync(forward, forwardCancel.Token);
        FunctionInvocationResult result;
        try
        {
            result = await invoker.InvokeAsync(function, request, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            await forwardCancel.CancelAsync().ConfigureAwait(false);
            await ObserveAsync(forwarding).ConfigureAwait(false);
            return;
        }

        if (!result.Succeeded)
        {
            await forwardCancel.CancelAsync().ConfigureAwait(false);
            await ObserveAsync(forwarding).ConfigureAwait(false);
            if (result.Status == FunctionInvocationStatus.Failed)
            {
                // The host answers a failed invocation with an empty 500; the exception is in Invocations and Logs.
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }

            await WriteDoubleErrorAsync(context, StatusCodes.Status500InternalServerError, result.Error?.Message ?? result.Status.ToString()).ConfigureAwait(false);
            return;
        }

        HttpResponseMessage upstream;
        try
        {
            upstream = await forwarding.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            await WriteDoubleErrorAsync(
                context,
                StatusCodes.Status502BadGateway,
                $"'{function.Descriptor.Name}' succeeded (invocation {invocationId}) but proxying the request to the worker at {workerHttpUri} failed: {ex.Message}").ConfigureAwait(false);
            return;
        }

        using (upstream)
        {
            context.Response.StatusCode = (int)upstream.StatusCode;
            foreach ((string name, IEnumerable<string> values) in upstream.Headers.Concat(upstream.Content.Headers))
            {
                if (!HopByHop.Contains(name))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            await upstream.Content.CopyToAsync(context.Response.Body, forwardCancel.Token).ConfigureAwait(false);
        }
    }
}
