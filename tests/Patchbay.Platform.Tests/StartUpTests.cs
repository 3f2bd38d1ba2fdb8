using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Patchbay.Platform.Hosting;
using Patchbay.Testing;

namespace Patchbay.Platform.Tests;

/// <summary>
/// What the standalone host builds on the thread pool while it starts instead of on its first request (issue 15,
/// start-up; src/Server/Hosting/RouteWarmUp.cs and StandaloneHosting.UsePatchbayServer): the endpoints and the route
/// matcher, the key check, the poller. The first requests after start still reach every route, the warm-up request
/// runs nothing of the app, and a failure of what was built ahead still stops start-up.
/// </summary>
public sealed class StartUpTests : IAsyncLifetime
{
    private const string CheckHeader = "x-route-check";
    private const string EndpointMatched = "Microsoft.AspNetCore.Routing.EndpointMatched";

    // A fresh app (not the shared collection's), so that the requests below are the first it answers. Not a second
    // PatchbayApp: that one points the test connector (a static) at its own upstream.
    private readonly AzuriteFixture _azurite = new();
    private FreshApp _app = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _app = new FreshApp(_azurite.ConnectionString);
        _app.UseKestrel();
        _app.StartServer();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task EveryRoute_InTheFirstRequestsAfterStart_ReachesItsOwnEndpoint()
    {
        // Which endpoint routing chose for each request, from the app's own diagnostic listener (routing writes
        // EndpointMatched with the request's HttpContext).
        var matched = new ConcurrentDictionary<string, Endpoint?>();
        var listener = _app.Services.GetRequiredService<DiagnosticListener>();
        using IDisposable subscription = listener.Subscribe(new EndpointMatchedObserver(matched), name => name == EndpointMatched);

        // Every route the app maps (the global data source reads the same built endpoints as routing), each method it takes.
        RouteEndpoint[] endpoints = [.. _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];
        var requests = new List<(string Id, string Method, string Path, RouteEndpoint Endpoint)>();
        foreach (RouteEndpoint endpoint in endpoints)
        {
            IReadOnlyList<string> methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } accepted ? accepted : [HttpMethods.Get];
            foreach (string method in methods)
            {
                requests.Add((requests.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), method, SamplePath(endpoint.RoutePattern), endpoint));
            }
        }

        // Every route Patchbay declares is among them.
        string[] templates = [.. endpoints.Select(e => "/" + e.RoutePattern.RawText!.Trim('/'))];
        foreach (System.Reflection.FieldInfo route in typeof(PatchbayRoutes).GetFields().Where(f => f.IsLiteral && f.Name != nameof(PatchbayRoutes.Prefix)))
        {
            Assert.Contains($"/{PatchbayRoutes.Prefix}/{route.GetRawConstantValue()}", templates);
        }

        // All at once, right after start: some arrive while routing may still be finishing its matcher.
        using HttpClient client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = _app.ClientOptions.BaseAddress });
        client.DefaultRequestHeaders.Add("x-functions-key", PatchbayApp.ApiKey);
        await Task.WhenAll(requests.Select(async request =>
        {
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path);
            message.Headers.Add(CheckHeader, request.Id);
            // Headers only: the MCP GET is an event stream that stays open.
            using HttpResponseMessage response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
        }));

        foreach ((string id, string method, string path, RouteEndpoint endpoint) in requests)
        {
            Assert.True(matched.TryGetValue(id, out Endpoint? reached), $"{method} {path} was not routed");
            // The same object: routing and the endpoint list read the one build of the endpoints.
            Assert.True(ReferenceEquals(endpoint, reached), $"{method} {path} reached '{reached?.DisplayName}' ({(reached is null ? "nothing" : "another object")}), not the app's '{endpoint.DisplayName}'");
        }

        // The warm-up request ran nothing of the app: the one request line for GET / is the test's own.
        Assert.Single(_app.RequestLines, line => line == "GET / started");
    }

    [Fact]
    public async Task StorageNotConfigured_StillStopsStartUp_ThoughThePollerIsBuiltOnThePool()
    {
        // The storage clients and the poller that needs them are built on the thread pool while the host starts; the
        // start-up path (the polling scheduler) resolves the poller again and throws the storage error there.
        Exception cause = await FailedStart.OfAsync(
            ("AzureWebJobsStorage", ""),
            ("Patchbay:ApiKeys", "start-up-test-key-0123456789"),
            ("Patchbay:EncryptionKeys", PatchbayApp.EncryptionKeys),
            ("PollingSchedule", "0 0 0 1 1 *"));

        Assert.True(cause is InvalidOperationException { Message: var message } && message.StartsWith("Storage is not configured", StringComparison.Ordinal),
            $"start-up failed with something other than the storage error:\n{cause}");
    }

    // The path a request to the pattern takes: literals as written, each parameter a distinct sample value.
    private static string SamplePath(RoutePattern pattern)
    {
        int parameter = 0;
        IEnumerable<string> segments = pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart => "p" + parameter++.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => throw new InvalidOperationException($"Unexpected route part {part.GetType().Name} in {pattern.RawText}"),
        })));
        return "/" + string.Join('/', segments);
    }

    /// <summary>The standalone host on Kestrel (loopback) with its state in Azurite, its request log lines captured.</summary>
    private sealed class FreshApp(string storage) : WebApplicationFactory<Program>
    {
        public ConcurrentQueue<string> RequestLines { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("urls", "http://127.0.0.1:0");
            builder.UseSetting("AzureWebJobsStorage", storage);
            builder.UseSetting("Patchbay:ApiKeys", PatchbayApp.ApiKey);
            builder.UseSetting("Patchbay:EncryptionKeys", PatchbayApp.EncryptionKeys);
            builder.UseSetting("PollingSchedule", "0 0 0 1 1 *");
            builder.ConfigureLogging(logging => logging.AddProvider(new LineLogger(RequestLines)).AddFilter<LineLogger>("Patchbay.Requests", LogLevel.Debug));
        }
    }

    // Patchbay's per-request Debug lines ("GET / started"), as written.
    private sealed class LineLogger(ConcurrentQueue<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => categoryName == "Patchbay.Requests" ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception));

        public void Dispose() { }
    }

    private sealed class EndpointMatchedObserver(ConcurrentDictionary<string, Endpoint?> matched) : IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(KeyValuePair<string, object?> value)
        {
            // By name: another subscriber to the app's listener (a test's OpenTelemetry instrumentation subscribes to every
            // "Microsoft.AspNetCore" listener in the process) turns on other events with an HttpContext too.
            if (value.Key == EndpointMatched && value.Value is HttpContext context && context.Request.Headers[CheckHeader].FirstOrDefault() is { } id)
            {
                matched[id] = context.GetEndpoint();
            }
        }

        public void OnCompleted() { }

        public void OnError(Exception error) { }
    }
}
