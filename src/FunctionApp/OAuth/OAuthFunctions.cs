using Patchbay.Platform.OAuth;

namespace Patchbay.FunctionApp.OAuth;

/// <summary>OAuth: <see cref="OAuthApi"/> under the Functions host. The callback is anonymous (a provider sends the user's browser there; the signed state authorises it).</summary>
public sealed class OAuthFunctions(OAuthConnections oauth)
{
    [Function("OAuthCallback")]
    public async Task<IResult> OAuthCallback([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = PatchbayRoutes.OAuthCallback)] HttpRequest req) =>
        await OAuthApi.CallbackAsync(req, oauth, req.HttpContext.RequestAborted);

    [Function("ReconnectConnection")]
    public async Task<IResult> ReconnectConnection([HttpTrigger(AuthorizationLevel.Function, "post", Route = PatchbayRoutes.ReconnectConnection)] HttpRequest req, string id) =>
        await OAuthApi.ReconnectAsync(id, req, oauth, req.HttpContext.RequestAborted);
}
