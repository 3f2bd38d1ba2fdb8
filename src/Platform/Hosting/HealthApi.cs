using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Patchbay.Sdk;

namespace Patchbay.Platform.Hosting;

/// <summary>Liveness: <c>GET /api/health</c>, the one route that needs no key in either host.</summary>
public static class HealthApi
{
    public static RouteHandlerBuilder MapHealth(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/" + PatchbayRoutes.Prefix + "/" + PatchbayRoutes.Health, Get)
            .WithName("Health").WithTags("Health").WithSummary("Liveness and version; no key needed.");

    public static Ok<HealthResponse> Get() => TypedResults.Ok(new HealthResponse("healthy", SdkInfo.Version));
}

/// <summary>The answer of <c>GET /api/health</c>.</summary>
public sealed record HealthResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("version")] string Version);
