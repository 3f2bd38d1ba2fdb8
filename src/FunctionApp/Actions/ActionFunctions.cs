using Patchbay.Platform.Actions;

namespace Patchbay.FunctionApp.Actions;

/// <summary>Actions, connected accounts and on-demand polls: <see cref="ActionsApi"/> under the Functions host.</summary>
public sealed class ActionFunctions(ActionInvoker invoker, TimeProvider time)
{
    [Function("ExecuteAction")]
    public async Task<IResult> ExecuteAction([HttpTrigger(AuthorizationLevel.Function, "post", Route = PatchbayRoutes.ExecuteAction)] HttpRequest req, string connector, string action) =>
        await ActionsApi.ExecuteActionAsync(connector, action, req, invoker, req.HttpContext.RequestAborted);

    [Function("GetConnectedAccount")]
    public async Task<IResult> GetConnectedAccount([HttpTrigger(AuthorizationLevel.Function, "post", Route = PatchbayRoutes.ConnectedAccount)] HttpRequest req, string connector) =>
        await ActionsApi.GetConnectedAccountAsync(connector, req, invoker, req.HttpContext.RequestAborted);

    [Function("PollTrigger")]
    public async Task<IResult> PollTrigger([HttpTrigger(AuthorizationLevel.Function, "post", Route = PatchbayRoutes.PollTrigger)] HttpRequest req, string connector, string trigger) =>
        await ActionsApi.PollAsync(connector, trigger, req, invoker, time, req.HttpContext.RequestAborted);
}
