using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Patchbay.FunctionApp.Mcp;

/// <summary>
/// <c>/api/mcp</c> under the Functions host: the MCP SDK's streamable HTTP endpoint (stateless), run for the
/// function's request. The SDK serves MCP only as ASP.NET Core endpoints, so the function hands the request to a
/// small pipeline that maps exactly that endpoint; the tools and their handlers are the platform's (<c>McpTools</c>).
/// </summary>
public sealed class McpFunctions(IServiceProvider services)
{
    private static readonly Lock s_gate = new();
    private static RequestDelegate? s_pipeline;

    // The SDK's stateless transport maps POST only (no standalone GET stream, no session to DELETE); so does the worker.
    [Function("McpPost")]
    public IResult McpPost([HttpTrigger(AuthorizationLevel.Function, "post", Route = PatchbayRoutes.Mcp)] HttpRequest req) =>
        new PipelineResult(Pipeline(services));

    private static RequestDelegate Pipeline(IServiceProvider services)
    {
        lock (s_gate)
        {
            if (s_pipeline is not null) return s_pipeline;
            var app = new ApplicationBuilder(services);
            app.UseRouting();
            app.UseEndpoints(endpoints => endpoints.MapMcp("/" + PatchbayRoutes.Prefix + "/" + PatchbayRoutes.Mcp));
            return s_pipeline = app.Build();
        }
    }

    private sealed class PipelineResult(RequestDelegate pipeline) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            // The worker matched the function already; let the MCP pipeline route the same request afresh.
            httpContext.SetEndpoint(null);
            httpContext.Request.RouteValues.Clear();
            // The function runs in the flow of the host's InvocationRequest, not of the Kestrel request, so the
            // IHttpContextAccessor the MCP tools read the query from (entity_id, connectors, tags) is empty here:
            // set it for the pipeline (and the tool handlers it starts), then put back what was there.
            IHttpContextAccessor accessor = httpContext.RequestServices.GetRequiredService<IHttpContextAccessor>();
            HttpContext? previous = accessor.HttpContext;
            accessor.HttpContext = httpContext;
            try
            {
                await pipeline(httpContext);
            }
            finally
            {
                accessor.HttpContext = previous;
            }
        }
    }
}
