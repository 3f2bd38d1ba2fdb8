namespace Patchbay.FunctionApp.Hosting;

/// <summary><c>GET /api/health</c>: the one anonymous function.</summary>
public static class HealthFunctions
{
    [Function("Health")]
    public static IResult Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = PatchbayRoutes.Health)] HttpRequest req) =>
        HealthApi.Get();
}
