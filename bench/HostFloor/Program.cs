using Patchbay.Platform.Hosting;
using Patchbay.Server.Hosting;

namespace Patchbay.Bench;

/// <summary>
/// Patchbay's standalone host as src/Server builds it (the slim builder, <c>AddPatchbayServer</c>, <c>UsePatchbayServer</c>,
/// appsettings.json from the content root) with one route of its own: <c>POST /api/proxy</c>, the bare proxy's handler. It
/// goes through everything a Patchbay request goes through before its endpoint (Kestrel's connection middleware, the
/// invocation scope, the exception and status-code handlers, the key check), and nothing of an action.
/// </summary>
internal static class HostFloor
{
    public static void Main(string[] args)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.AddPatchbayServer();
        builder.Services.AddHttpClient("upstream");
        WebApplication app = builder.Build();
        app.UsePatchbayServer();
        app.MapHealth();
        app.MapPost("/api/proxy", ProxyHandler.HandleAsync);
        app.Run();
    }
}
