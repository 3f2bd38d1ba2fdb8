using Microsoft.Extensions.Options;
using Patchbay.Platform.Actions;
using Patchbay.Platform.Connections;
using Patchbay.Platform.Polling;
using Patchbay.Platform.Subscriptions;

namespace Patchbay.FunctionApp.Subscriptions;

/// <summary>Polling-trigger subscriptions: <see cref="SubscriptionsApi"/> under the Functions host.</summary>
public sealed class SubscriptionFunctions(ActionInvoker invoker, ConnectionStore connections, SubscriptionStore store, Poller poller, IOptions<PatchbayOptions> options, ILoggerFactory loggers)
{
    [Function("CreateSubscription")]
    public async Task<IResult> CreateSubscription([HttpTrigger(AuthorizationLevel.Function, "post", Route = PatchbayRoutes.Subscriptions)] HttpRequest req) =>
        await SubscriptionsApi.CreateAsync(req, invoker, connections, store, options, loggers, req.HttpContext.RequestAborted);

    [Function("ListSubscriptions")]
    public async Task<IResult> ListSubscriptions([HttpTrigger(AuthorizationLevel.Function, "get", Route = PatchbayRoutes.Subscriptions)] HttpRequest req) =>
        await SubscriptionsApi.ListAsync(store, req.HttpContext.Response, req.Query["entity_id"], req.HttpContext.RequestAborted);

    [Function("GetSubscription")]
    public async Task<IResult> GetSubscription([HttpTrigger(AuthorizationLevel.Function, "get", Route = PatchbayRoutes.Subscription)] HttpRequest req, string id) =>
        await SubscriptionsApi.GetAsync(id, store, req.HttpContext.RequestAborted);

    [Function("DeleteSubscription")]
    public async Task<IResult> DeleteSubscription([HttpTrigger(AuthorizationLevel.Function, "delete", Route = PatchbayRoutes.Subscription)] HttpRequest req, string id) =>
        await SubscriptionsApi.DeleteAsync(id, store, loggers, req.HttpContext.RequestAborted);

    [Function("ListSubscriptionEvents")]
    public async Task<IResult> ListSubscriptionEvents([HttpTrigger(AuthorizationLevel.Function, "get", Route = PatchbayRoutes.SubscriptionEvents)] HttpRequest req, string id) =>
        await SubscriptionsApi.ListEventsAsync(id, store, req.HttpContext.RequestAborted);

    [Function("ResumeSubscription")]
    public async Task<IResult> ResumeSubscription([HttpTrigger(AuthorizationLevel.Function, "post", Route = PatchbayRoutes.ResumeSubscription)] HttpRequest req, string id) =>
        await SubscriptionsApi.ResumeAsync(id, store, loggers, req.HttpContext.RequestAborted);

    [Function("PollSubscription")]
    public async Task<IResult> PollSubscription([HttpTrigger(AuthorizationLevel.Function, "post", Route = PatchbayRoutes.PollSubscription)] HttpRequest req, string id) =>
        await SubscriptionsApi.PollAsync(id, poller, req.HttpContext.RequestAborted);
}
