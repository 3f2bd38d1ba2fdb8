using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Patchbay.Sdk.Tests.Fetch;

/// <summary>What a loopback server saw.</summary>
public sealed record SeenRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// A real Kestrel server on 127.0.0.1 with a free port. Each test registers a handler under its own
/// first path segment (a fresh id), so tests share the server without sharing counts.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Func<HttpContext, int, Task>> _handlers = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<SeenRequest>> _seen = new();
    private WebApplication? _app;

    public Uri BaseUri { get; private set; } = null!;

    public int Port => BaseUri.Port;

    public static async Task<LoopbackServer> StartAsync()
    {
        var server = new LoopbackServer();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server._app = app;
        server.BaseUri = new Uri(app.Urls.First());
        return server;
    }

    /// <summary>Registers a handler; it receives the 1-based call number. Returns the route prefix, e.g. <c>/ab12</c>.</summary>
    public string Route(Func<HttpContext, int, Task> handler)
    {
        string id = Guid.NewGuid().ToString("N")[..12];
        _handlers[id] = handler;
        _seen[id] = new ConcurrentQueue<SeenRequest>();
        return "/" + id;
    }

    public string Url(string route, string rest = "") => new Uri(BaseUri, route + rest).ToString();

    public IReadOnlyList<SeenRequest> Seen(string route) => _seen.TryGetValue(route.TrimStart('/'), out var q) ? q.ToArray() : [];

    /// <summary>Every request this server received, on any route.</summary>
    public int TotalRequests => _totalRequests;

    private int _totalRequests;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _totalRequests);
        string path = context.Request.Path.Value ?? "/";
        string id = path.TrimStart('/').Split('/')[0];
        if (!_handlers.TryGetValue(id, out var handler))
        {
            context.Response.StatusCode = 404;
            return;
        }

        using var reader = new StreamReader(context.Request.Body);
        string body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var queue = _seen[id];
        queue.Enqueue(new SeenRequest(context.Request.Method, path, context.Request.QueryString.Value ?? "", headers, body));
        await handler(context, queue.Count);
    }
}

/// <summary>Two servers: <see cref="Primary"/> and <see cref="Other"/> (a second origin for redirect tests).</summary>
public sealed class LoopbackServers : IAsyncLifetime
{
    public LoopbackServer Primary { get; private set; } = null!;

    public LoopbackServer Other { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Primary = await LoopbackServer.StartAsync();
        Other = await LoopbackServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Primary.DisposeAsync();
        await Other.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class LoopbackCollection : ICollectionFixture<LoopbackServers>
{
    public const string Name = "Loopback servers";
}

/// <summary>Keeps every log line (message and exception) so tests can count attempts and look for secrets.</summary>
public sealed class CapturingLogger : ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public string All => string.Join("\n", _lines);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => _lines.Enqueue($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
}
