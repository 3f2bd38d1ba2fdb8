using Patchbay.Platform.Actions;
using Patchbay.Platform.Catalog;
using Patchbay.Platform.Connect;
using Patchbay.Platform.Connections;

namespace Patchbay.FunctionApp.Connect;

/// <summary>Connect sessions (keyed) and the hosted connect page (anonymous: its token authorises it): <see cref="ConnectApi"/> under the Functions host.</summary>
public sealed class ConnectFunctions(ConnectorCatalog catalog, ConnectTokens tokens, ActionInvoker invoker, ConnectionStore store, IConfiguration configuration, ILoggerFactory loggers)
{
    [Function("CreateConnectSession")]
    public async Task<IResult> CreateConnectSession([HttpTrigger(AuthorizationLevel.Function, "post", Route = PatchbayRoutes.ConnectSessions)] HttpRequest req) =>
        await ConnectApi.CreateSessionAsync(req, catalog, tokens, configuration, req.HttpContext.RequestAborted);

    [Function("ConnectPage")]
    public IResult ConnectPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = PatchbayRoutes.Connect)] HttpRequest req) =>
        ConnectApi.PageAsync(req, catalog, tokens);

    [Function("SubmitConnectPage")]
    public async Task<IResult> SubmitConnectPage([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = PatchbayRoutes.Connect)] HttpRequest req) =>
        await ConnectApi.SubmitAsync(req, catalog, tokens, invoker, store, loggers, req.HttpContext.RequestAborted);
}
