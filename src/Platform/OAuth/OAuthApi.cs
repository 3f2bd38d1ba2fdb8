using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Patchbay.Platform.Connections;
using Patchbay.Platform.Hosting;

namespace Patchbay.Platform.OAuth;

/// <summary>
/// <c>GET /api/oauth/callback</c> (anonymous: the signed, single-use state authorises it) and
/// <c>POST /api/connections/{id}/reconnect</c>.
/// </summary>
public static class OAuthApi
{
    private static readonly HashSet<string> ReconnectFields = ApiDocumentation.FieldsOf<ReconnectConnectionRequest>();

    public static IEndpointRouteBuilder MapOAuth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/" + PatchbayRoutes.Prefix + "/" + PatchbayRoutes.OAuthCallback, CallbackAsync)
            .WithName("OAuthCallback").WithTags("Connections")
            .WithSummary("Where OAuth providers send the user back: checks the state, exchanges the code, and redirects to the caller's redirect_uri with connection_id and status (or shows a page). No key needed.")
            .AllowAnonymous();
        RouteGroupBuilder api = routes.MapGroup("/" + PatchbayRoutes.Prefix).WithTags("Connections");
        api.MapPost(PatchbayRoutes.ReconnectConnection, ReconnectAsync).WithName("ReconnectConnection")
            .WithSummary("Starts a new OAuth authorization for an EXPIRED or FAILED connection, keeping its id: INITIATED with a redirect_url.")
            .WithJsonBody<ReconnectConnectionRequest>().WithPatchbayProblems(400, 404, 409, 413, 415, 503);
        return routes;
    }

    public static async Task<IResult> CallbackAsync(HttpRequest request, OAuthConnections oauth, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? Query(string name) => request.Query[name].FirstOrDefault() is { } value && value.Length <= 2048 ? value : null;
        CallbackOutcome outcome = await oauth.CompleteAsync(Query("state"), Query("code"), Query("error"), Query("error_description"), cancellationToken);
        if (outcome.Connection is not { } connection)
        {
            return Page(request.HttpContext.Response, 400, "This sign-in cannot be completed", outcome.Error!);
        }

        if (outcome.RedirectUri is { } redirect)
        {
            return TypedResults.Redirect(QueryHelpers.AddQueryString(redirect, new Dictionary<string, string?> { ["connection_id"] = connection.Id, ["status"] = connection.Status }));
        }

        return connection.Status == ConnectionStatus.Active
            ? Page(request.HttpContext.Response, 200, "Connected", $"Your {connection.Connector} account is connected{(connection.Account?.Username is { } user ? $" as {user}" : "")}. You can close this window.")
            : Page(request.HttpContext.Response, 200, "Not connected", connection.StatusReason ?? $"The connection is {connection.Status}.");
    }

    public static async Task<Created<Connection>> ReconnectAsync(string id, HttpRequest request, OAuthConnections oauth, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        System.Text.Json.JsonElement body = request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding"))
            ? default
            : await RequestBody.ReadObjectAsync(request, ReconnectFields, cancellationToken);
        bool hasBody = body.ValueKind == System.Text.Json.JsonValueKind.Object;
        Connection connection = await oauth.ReconnectAsync(id, hasBody ? RequestBody.OptionalString(body, "redirect_uri") : null, hasBody ? OAuthConnections.ReadScopes(body) : null, cancellationToken);
        return TypedResults.Created($"/api/connections/{connection.Id}", connection);
    }

    // A small self-contained page: no scripts, no external assets, nothing from the request echoed unencoded.
    private static ContentHttpResult Page(HttpResponse response, int status, string title, string message)
    {
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        response.Headers.CacheControl = "no-store";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XContentTypeOptions = "nosniff";
        string html = $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{WebUtility.HtmlEncode(title)}} · Patchbay</title>
            <style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1b1b1b}h1{font-size:1.4rem}</style>
            </head><body><main><h1>{{WebUtility.HtmlEncode(title)}}</h1><p>{{WebUtility.HtmlEncode(message)}}</p></main></body></html>
            """;
        return TypedResults.Content(html, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
    }
}
