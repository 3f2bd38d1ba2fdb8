using Patchbay.Platform.Actions;
using Patchbay.Platform.Connections;

namespace Patchbay.FunctionApp.Connections;

/// <summary>Stored, encrypted credentials: <see cref="ConnectionsApi"/> under the Functions host.</summary>
public sealed class ConnectionFunctions(ActionInvoker invoker, ConnectionStore store, Patchbay.Platform.OAuth.OAuthConnections oauth, TimeProvider time, ILoggerFactory loggers)
{
    [Function("CreateConnection")]
    public async Task<IResult> CreateConnection([HttpTrigger(AuthorizationLevel.Function, "post", Route = PatchbayRoutes.Connections)] HttpRequest req) =>
        await ConnectionsApi.CreateAsync(req, invoker, store, oauth, loggers, req.HttpContext.RequestAborted);

    [Function("ListConnections")]
    public async Task<IResult> ListConnections([HttpTrigger(AuthorizationLevel.Function, "get", Route = PatchbayRoutes.Connections)] HttpRequest req) =>
        await ConnectionsApi.ListAsync(store, req.HttpContext.Response, req.Query["entity_id"], req.HttpContext.RequestAborted);

    [Function("GetConnection")]
    public async Task<IResult> GetConnection([HttpTrigger(AuthorizationLevel.Function, "get", Route = PatchbayRoutes.Connection)] HttpRequest req, string id) =>
        await ConnectionsApi.GetAsync(id, store, time, req, req.HttpContext.RequestAborted);

    [Function("CheckConnection")]
    public async Task<IResult> CheckConnection([HttpTrigger(AuthorizationLevel.Function, "post", Route = PatchbayRoutes.CheckConnection)] HttpRequest req, string id) =>
        await ConnectionsApi.CheckAsync(id, invoker, store, loggers, req.HttpContext.RequestAborted);

    [Function("DeleteConnection")]
    public async Task<IResult> DeleteConnection([HttpTrigger(AuthorizationLevel.Function, "delete", Route = PatchbayRoutes.Connection)] HttpRequest req, string id) =>
        await ConnectionsApi.DeleteAsync(id, store, req.HttpContext.RequestAborted);
}
