using Patchbay.Platform.Storage;

namespace Patchbay.FunctionApp.Hosting;

/// <summary><c>GET /api/health</c> and <c>GET /api/health/ready</c>: the anonymous functions.</summary>
public sealed class HealthFunctions(StorageClients storage)
{
    [Function("Health")]
    public static IResult Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = PatchbayRoutes.Health)] HttpRequest req) =>
        HealthApi.Get();

    [Function("HealthReady")]
    public async Task<IResult> HealthReady([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = PatchbayRoutes.HealthReady)] HttpRequest req) =>
        await HealthApi.ReadyAsync(storage, req.HttpContext.RequestAborted);
}
