using Microsoft.AspNetCore.Http.HttpResults;
using Patchbay.Platform.Storage;
using Patchbay.Sdk;

namespace Patchbay.Platform.Hosting;

/// <summary>
/// <c>GET /api/health</c> (liveness: never touches storage) and <c>GET /api/health/ready</c> (readiness: storage answers
/// within <c>Patchbay__StorageTimeoutSeconds</c>): the two routes that need no key in either host.
/// </summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/" + PatchbayRoutes.Prefix + "/" + PatchbayRoutes.Health, Get)
            .WithName("Health").WithTags("Health").WithSummary("Liveness and version; no key needed; never touches storage.").AllowAnonymous();
        routes.MapGet("/" + PatchbayRoutes.Prefix + "/" + PatchbayRoutes.HealthReady, ReadyAsync)
            .WithName("HealthReady").WithTags("Health")
            .WithSummary("Readiness: 200 when storage answers within Patchbay__StorageTimeoutSeconds, else 503 with Retry-After; no key needed.")
            .AllowAnonymous().WithPatchbayProblems(503);
        return routes;
    }

    public static Ok<HealthResponse> Get() => TypedResults.Ok(new HealthResponse("healthy", SdkInfo.Version));

    public static Task<Ok<ReadinessReport>> ReadyAsync(StorageClients storage, CancellationToken cancellationToken) => StorageReadiness.CheckAsync(storage, cancellationToken);
}
