using Patchbay.Platform.Hosting;

namespace Patchbay.Server.Hosting;

/// <summary>
/// Builds the app's endpoints and its route matcher on the thread pool while the host starts, instead of on the first
/// request (issue 15, start-up; bench/RESULTS.md). ASP.NET Core builds both lazily: the first request through routing
/// waits while every endpoint of every route is created and the matcher over them is built. Here:
/// <list type="number">
/// <item><see cref="BuildEndpointsWhileStarting"/>, once every route is mapped: the app's endpoint data sources become one
/// <see cref="CompositeEndpointDataSource"/> over them, which builds its endpoints once and caches them (following its
/// sources' change tokens); that build starts on the pool at once, while the host validates its settings and starts
/// its hosted services. Routing, the OpenAPI document and link generation all read that one list.</item>
/// <item><see cref="UseRoutingBuiltAtStart"/>: when the request pipeline is built, just before Kestrel starts listening,
/// one request that stops right after routing goes through the app's own routing middleware on the pool. The middleware
/// builds its matcher for it; a real request arriving meanwhile waits for that same build (the middleware shares one
/// initialisation between concurrent requests), so the work is done once and reused, never twice.</item>
/// </list>
/// Nothing changes in what is routed or how. A failure while warming up is only observed: the routing middleware forgets a
/// failed build and builds again on the next request, which then fails as it did before.
/// </summary>
internal static class RouteWarmUp
{
    /// <summary>The request sent through routing while the host starts: the root, which every host maps.</summary>
    private const string WarmUpPath = "/";

    /// <summary>
    /// Replaces the app's endpoint data sources with one caching composite over them and starts building its endpoints
    /// on the thread pool. Call it after the last route is mapped (a convention added to a route after this is not seen
    /// once the endpoints are built); routes mapped later still route, through a data source of their own.
    /// </summary>
    public static void BuildEndpointsWhileStarting(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ICollection<EndpointDataSource> sources = routes.DataSources;
        var all = new CompositeEndpointDataSource([.. sources]);
        sources.Clear();
        sources.Add(all);
        StartUpWork.Start(() => _ = all.Endpoints);
    }

    /// <summary>
    /// <c>UseRouting</c>, with its matcher built on the thread pool as soon as the pipeline is built (before the server
    /// listens) by one request that goes no further than routing.
    /// </summary>
    public static IApplicationBuilder UseRoutingBuiltAtStart(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var warmUp = new WarmUpRequest(app.ApplicationServices);
        // Called once, when the pipeline is built: next is the routing middleware onward. It is returned unchanged, so this
        // costs a request nothing.
        app.Use(next =>
        {
            warmUp.Start(next);
            return next;
        });
        app.UseRouting();
        // The warm-up request stops here, routed: it runs nothing of the app (no invocation scope or request log line, no
        // key check, no endpoint). Only routing's own Debug line and EndpointMatched diagnostic event see it.
        app.Use(next => context => ReferenceEquals(context, warmUp.Context) ? Task.CompletedTask : next(context));
        return app;
    }

    private sealed class WarmUpRequest(IServiceProvider services)
    {
        /// <summary>The warm-up request while it runs; no request Kestrel creates is ever this one.</summary>
        public HttpContext? Context { get; private set; }

        public void Start(RequestDelegate routing)
        {
            Task running = Task.Run(async () =>
            {
                await using AsyncServiceScope scope = services.CreateAsyncScope();
                var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
                context.Request.Method = HttpMethods.Get;
                context.Request.Scheme = "http";
                context.Request.Host = new HostString("localhost");
                context.Request.Path = WarmUpPath;
                Context = context;
                try
                {
                    await routing(context);
                }
                finally
                {
                    Context = null;
                }
            });
            StartUpWork.Observe(running);
        }
    }
}
