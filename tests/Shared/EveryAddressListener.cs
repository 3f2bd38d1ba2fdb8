using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Patchbay.Testing;

/// <summary>
/// A real Kestrel server listening on every address of this machine (IPv6 any, dual-mode: loopback,
/// 0.0.0.0, the machine's own interface addresses and their IPv4-mapped forms). It counts TCP connections,
/// so a test can show that a refused address never reached it, whatever spelling the OS would route here.
/// Also answers as a forward proxy: every request (absolute-form targets included) is recorded.
/// </summary>
public sealed class EveryAddressListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _requests = new();
    private int _connections;

    private EveryAddressListener(WebApplication app) => _app = app;

    public int Port { get; private set; }

    /// <summary>TCP connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Every request seen, as <c>METHOD scheme://host/path</c> (the target as the client sent it).</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public static async Task<EveryAddressListener> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        EveryAddressListener? listener = null;
        // IPv6 any is dual-mode in Kestrel; a machine without IPv6 gets IPv4 any.
        IPAddress any = System.Net.Sockets.Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(any, 0, options =>
            options.Use(next => connection =>
            {
                Interlocked.Increment(ref listener!._connections);
                return next(connection);
            })));
        WebApplication app = builder.Build();
        listener = new EveryAddressListener(app);
        app.Run(context =>
        {
            listener._requests.Enqueue($"{context.Request.Method} {context.Request.Scheme}://{context.Request.Host}{context.Request.Path}");
            return context.Response.WriteAsync("reached " + context.Request.Host);
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        listener.Port = new Uri(address.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port;
        return listener;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
