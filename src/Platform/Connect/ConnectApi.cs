using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Patchbay.Platform.Actions;
using Patchbay.Platform.Catalog;
using Patchbay.Platform.Connections;
using Patchbay.Platform.Hosting;
using Patchbay.Sdk;

namespace Patchbay.Platform.Connect;

/// <summary>
/// Connect sessions and the hosted connect page. An app (with its API key) asks <c>POST /api/connect-sessions</c> for a
/// short-lived signed token bound to one entity and the connectors it may connect, and sends the user's browser to
/// <c>connect_url</c>; the page (anonymous: the token authorises it) shows a form per connector and creates the
/// connection through the same code as <c>POST /api/connections</c>, so the app's key never reaches a browser.
/// </summary>
public static class ConnectApi
{
    /// <summary>The most connectors one session may offer.</summary>
    public const int MaxConnectors = 20;

    /// <summary>The longest <c>redirect_uri</c>, in characters.</summary>
    public const int MaxRedirectUriChars = 1024;

    /// <summary>The setting (comma-separated, exact matches) that lists where users may be sent back to; shared with OAuth.</summary>
    public const string AllowedRedirectUrisSetting = "Patchbay:OAuth:AllowedRedirectUris";

    /// <summary>The page's cookie: a random browser nonce the form tokens are bound to (HttpOnly, SameSite=Strict).</summary>
    public const string CookieName = "patchbay-connect";

    private static readonly HashSet<string> SessionFields = ApiDocumentation.FieldsOf<CreateConnectSessionRequest>();

    public static RouteGroupBuilder MapConnect(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder api = routes.MapGroup("/" + PatchbayRoutes.Prefix).WithTags("Connect");
        api.MapPost(PatchbayRoutes.ConnectSessions, CreateSessionAsync).WithName("CreateConnectSession")
            .WithSummary($"A connect token ({ConnectTokens.Lifetime.TotalMinutes:0} minutes) and connect_url: the hosted page where a user connects accounts for entity_id without your API key.")
            .WithJsonBody<CreateConnectSessionRequest>().WithPatchbayProblems(400, 413, 415, 503);
        api.MapGet(PatchbayRoutes.Connect, PageAsync).WithName("ConnectPage")
            .WithSummary("The hosted connect page (HTML; anonymous: ?token= authorises it).").AllowAnonymous().ExcludeFromDescription();
        api.MapPost(PatchbayRoutes.Connect, SubmitAsync).WithName("SubmitConnectPage")
            .WithSummary("The connect page's form post (anonymous: the token and form token authorise it).").AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();
        return api;
    }

    /// <summary><c>POST /api/connect-sessions</c>: checks the entity, connectors and redirect_uri, and signs a token.</summary>
    public static async Task<Created<ConnectSessionResponse>> CreateSessionAsync(HttpRequest request, ConnectorCatalog catalog, ConnectTokens tokens, IConfiguration configuration,
        CancellationToken cancellationToken)
    {
        JsonElement body = await RequestBody.ReadObjectAsync(request, SessionFields, cancellationToken);
        string entityId = RequestBody.CheckEntityId(RequestBody.RequiredString(body, "entity_id"));
        string[] connectors;
        if (body.TryGetProperty("connectors", out JsonElement list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is 0 or > MaxConnectors)
            {
                throw ApiProblem.BadRequest($"connectors is a list of 1 to {MaxConnectors} connector ids; leave it out to offer every connector that needs auth.",
                    new FieldError("/connectors", $"must be an array of 1 to {MaxConnectors} connector ids"));
            }

            var ids = new List<string>();
            int index = 0;
            foreach (JsonElement item in list.EnumerateArray())
            {
                string path = $"/connectors/{index++}";
                if (item.ValueKind != JsonValueKind.String || !catalog.TryGet(item.GetString()!, out Connector connector))
                {
                    throw ApiProblem.BadRequest($"connectors[{index - 1}] is not a connector; GET /api/connectors lists them.", new FieldError(path, "is not a connector id"));
                }

                if (!connector.Manifest.Auth.IsRequired)
                {
                    throw ApiProblem.BadRequest($"Connector '{connector.Id}' needs no auth, so there is nothing to connect; leave it out.", new FieldError(path, "needs no auth"));
                }

                if (!ids.Contains(connector.Id)) ids.Add(connector.Id);
            }

            connectors = [.. ids];
        }
        else
        {
            connectors = [.. catalog.All.Where(c => c.Manifest.Auth.IsRequired).Select(c => c.Id).Order(StringComparer.Ordinal)];
        }

        string? redirectUri = RequestBody.OptionalString(body, "redirect_uri");
        if (redirectUri is not null) CheckRedirectUri(redirectUri, configuration);

        (string token, ConnectSession session) = tokens.Issue(entityId, connectors, redirectUri);
        string connectUrl = $"{request.Scheme}://{request.Host}{request.PathBase}/{PatchbayRoutes.Prefix}/{PatchbayRoutes.Connect}?token={Uri.EscapeDataString(token)}";
        return TypedResults.Created(connectUrl, new ConnectSessionResponse(token, connectUrl, session.ExpiresAt, entityId, connectors));
    }

    /// <summary>
    /// A redirect_uri must be an absolute http(s) URL listed, exactly, in <c>Patchbay__OAuth__AllowedRedirectUris</c>
    /// (comma-separated), the list the OAuth flow uses too: an open redirect would let anyone's link send users anywhere.
    /// </summary>
    public static void CheckRedirectUri(string redirectUri, IConfiguration configuration)
    {
        if (redirectUri.Length > MaxRedirectUriChars)
        {
            throw ApiProblem.BadRequest($"redirect_uri is limited to {MaxRedirectUriChars} characters.", new FieldError("/redirect_uri", $"is {redirectUri.Length} characters; at most {MaxRedirectUriChars}"));
        }

        if (!Uri.TryCreate(redirectUri, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw ApiProblem.BadRequest("redirect_uri must be an absolute http or https URL without a fragment.", new FieldError("/redirect_uri", "must be an absolute http(s) URL without #fragment"));
        }

        string[] allowed = (configuration[AllowedRedirectUrisSetting] ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!allowed.Contains(redirectUri, StringComparer.Ordinal))
        {
            throw ApiProblem.BadRequest(allowed.Length == 0
                    ? "redirect_uri cannot be used: no redirect URIs are allowed. List yours, exactly, in Patchbay__OAuth__AllowedRedirectUris (comma-separated)."
                    : "redirect_uri is not one of the allowed redirect URIs; add it, exactly, to Patchbay__OAuth__AllowedRedirectUris (comma-separated) or send one that is listed.",
                new FieldError("/redirect_uri", "is not listed in Patchbay__OAuth__AllowedRedirectUris"));
        }
    }

    /// <summary><c>GET /api/connect?token=…[&amp;connector=…]</c>: the page, or an error page (400 bad token, 403 connector not allowed).</summary>
    public static IResult PageAsync(HttpRequest request, ConnectorCatalog catalog, ConnectTokens tokens)
    {
        string? token = request.Query["token"].FirstOrDefault();
        ConnectSession session;
        try
        {
            session = tokens.Read(token);
        }
        catch (ConnectTokenException ex)
        {
            return Html(request, ErrorPage(ex.Message), ex.Status);
        }

        string? selected = request.Query["connector"].FirstOrDefault() ?? (session.Connectors.Count == 1 ? session.Connectors[0] : null);
        if (selected is not null && !session.Connectors.Contains(selected, StringComparer.Ordinal))
        {
            return Html(request, ErrorPage($"This connect link does not allow connecting '{RequestBody.Quote(selected)}'. Go back and pick one of the accounts it offers."), 403);
        }

        return Html(request, RenderSession(request, catalog, tokens, session, token!, selected, null, null, null), 200, session, selected is null ? null : catalog.TryGet(selected, out Connector c) ? c : null);
    }

    /// <summary>
    /// <c>POST /api/connect</c>: the form. Checks the token, the form token against the page's cookie, and the connector;
    /// then creates the connection (custom auth) or starts the OAuth authorization and redirects to the provider.
    /// </summary>
    public static async Task<IResult> SubmitAsync(HttpRequest request, ConnectorCatalog catalog, ConnectTokens tokens, ActionInvoker invoker, ConnectionStore store, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return Html(request, ErrorPage("This page only accepts its own form. Go back to the connect link and use the form there."), 415);
        }

        // Browsers say where a post comes from; a post from another site is never the page's own.
        if (request.Headers["Sec-Fetch-Site"].FirstOrDefault() is { } site && site is not ("same-origin" or "none"))
        {
            return Html(request, ErrorPage("This form was sent from another site, so it was refused. Open the connect link again and submit the form there."), 403);
        }

        IFormCollection form = await request.ReadFormAsync(cancellationToken);
        string token = form["token"].ToString();
        ConnectSession session;
        try
        {
            session = tokens.Read(token);
        }
        catch (ConnectTokenException ex)
        {
            return Html(request, ErrorPage(ex.Message), ex.Status);
        }

        string connectorId = form["connector"].ToString();
        if (!session.Connectors.Contains(connectorId, StringComparer.Ordinal) || !catalog.TryGet(connectorId, out Connector connector))
        {
            return Html(request, ErrorPage($"This connect link does not allow connecting '{RequestBody.Quote(connectorId)}'. Nothing was changed."), 403);
        }

        if (!tokens.IsFormToken(session, connectorId, request.Cookies[CookieName], form["form_token"].ToString()))
        {
            return Html(request, ErrorPage("This form has expired or was not sent from this page (its form token does not match). Nothing was changed; open the connect link again and submit the form there."), 403);
        }

        string[] unknown = [.. form.Keys.Where(k => k is not ("token" or "form_token" or "connector") && !k.StartsWith("f.", StringComparison.Ordinal))];
        if (unknown.Length > 0)
        {
            return Html(request, ErrorPage($"The form had fields this page does not know ({string.Join(", ", unknown.Select(RequestBody.Quote))}). Nothing was changed."), 400);
        }

        if (connector.Manifest.Auth.IsOAuth)
        {
            IOAuthInitiator? oauth = request.HttpContext.RequestServices.GetService<IOAuthInitiator>();
            if (oauth is null || oauth.GetAuthorizeEndpoint(connector) is null)
            {
                return Html(request, ErrorPage($"OAuth connect is not configured for {connector.Manifest.DisplayName} on this server. Nothing was changed."), 409);
            }

            OAuthInitiation started = await oauth.InitiateAsync(connector, session.EntityId, session.RedirectUri, [], cancellationToken);
            return Results.Redirect(started.RedirectUrl.AbsoluteUri);
        }

        IReadOnlyList<ConnectField> fields = ConnectField.Of(connector.Manifest.Auth);
        var fieldErrors = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonObject credentials = ConnectField.ReadCredentials(fields, form, fieldErrors);
        string[] extra = [.. form.Keys.Where(k => k.StartsWith("f.", StringComparison.Ordinal) && !fields.Any(f => f.InputName == k))];
        foreach (string name in extra) fieldErrors[name[2..]] = "is not a field of this connector";
        Dictionary<string, string> kept = fields.Where(f => !f.Secret).ToDictionary(f => f.Name, f => form[f.InputName].ToString(), StringComparer.Ordinal);
        if (fieldErrors.Count > 0)
        {
            return Html(request, RenderSession(request, catalog, tokens, session, token, connectorId, kept, fieldErrors, "Some fields need fixing. Nothing was saved."), 400, session, connector);
        }

        Connection connection;
        try
        {
            connection = await ConnectionsApi.CreateWithCredentialsAsync(connector, session.EntityId, JsonSerializer.SerializeToElement(credentials), invoker, store, loggers, cancellationToken);
        }
        catch (ApiProblem problem) when (problem.Status == 400)
        {
            foreach (FieldError error in problem.Errors ?? [])
            {
                string name = error.Path.StartsWith("/credentials/", StringComparison.Ordinal) ? error.Path["/credentials/".Length..].Split('/')[0] : string.Empty;
                if (fields.Any(f => f.Name == name)) fieldErrors[name] = error.Message;
            }

            string[] other = [.. (problem.Errors ?? []).Where(e => !fieldErrors.ContainsKey(e.Path.Split('/').ElementAtOrDefault(2) ?? string.Empty)).Select(e => e.Message)];
            return Html(request, RenderSession(request, catalog, tokens, session, token, connectorId, kept, fieldErrors, "These credentials are not valid: " + problem.Message + " Nothing was saved.", other),
                400, session, connector);
        }

        if (connection.Status != ConnectionStatus.Active)
        {
            // The service refused the credentials: the user fixes them here rather than leaving a FAILED connection behind.
            await store.DeleteAsync(connection.Id, cancellationToken);
            return Html(request, RenderSession(request, catalog, tokens, session, token, connectorId, kept, null,
                $"{connector.Manifest.DisplayName} did not accept these credentials. {connection.StatusReason} Nothing was saved; fix them and try again."), 400, session, connector);
        }

        if (session.RedirectUri is not null)
        {
            return Results.Redirect(WithResult(session.RedirectUri, connection.Id, connection.Status).AbsoluteUri);
        }

        return Html(request, new ConnectPage("Connected").Success(connector.Manifest.DisplayName, connection.Id, connection.Status), 200);
    }

    /// <summary><paramref name="redirectUri"/> with <c>connection_id</c> and <c>status</c> added to its query.</summary>
    public static Uri WithResult(string redirectUri, string connectionId, string status)
    {
        var builder = new UriBuilder(redirectUri);
        string query = builder.Query.TrimStart('?');
        builder.Query = (query.Length > 0 ? query + "&" : string.Empty) + $"connection_id={Uri.EscapeDataString(connectionId)}&status={Uri.EscapeDataString(status)}";
        return builder.Uri;
    }

    private static ConnectPage RenderSession(HttpRequest request, ConnectorCatalog catalog, ConnectTokens tokens, ConnectSession session, string token, string? selected,
        IReadOnlyDictionary<string, string>? values, IReadOnlyDictionary<string, string>? fieldErrors, string? error, IEnumerable<string>? details = null)
    {
        var page = new ConnectPage("Connect an account");
        if (error is not null) page.Error(error, details);
        Connector[] connectors = [.. session.Connectors.Select(id => catalog.TryGet(id, out Connector c) ? c : null).OfType<Connector>()];
        if (connectors.Length == 0) return page.Paragraph("This link offers no accounts to connect. Ask the app that sent you here for a new link.");
        if (connectors.Length > 1 || selected is null)
        {
            page.Paragraph(selected is null ? "Choose the account to connect:" : "Accounts you can connect:").ConnectorList(connectors, token, selected);
        }

        page.Paragraph($"This link is valid until {session.ExpiresAt:yyyy-MM-dd HH:mm} UTC.", "muted");
        if (selected is null || !catalog.TryGet(selected, out Connector connector)) return page;
        string nonce = BrowserNonce(request);
        string formToken = tokens.FormToken(session, connector.Id, nonce);
        if (!connector.Manifest.Auth.IsOAuth) return page.CustomForm(connector, ConnectField.Of(connector.Manifest.Auth), token, formToken, values, fieldErrors);
        IOAuthInitiator? oauth = request.HttpContext.RequestServices.GetService<IOAuthInitiator>();
        return oauth?.GetAuthorizeEndpoint(connector) is null
            ? page.Paragraph($"OAuth connect is not configured on this server for {connector.Manifest.DisplayName}, so it cannot be connected here. Ask the app's administrator.")
            : page.OAuthButton(connector, ProviderName(connector.Manifest.Auth.Provider ?? connector.Manifest.DisplayName), token, formToken);
    }

    private static string ProviderName(string provider) => provider switch
    {
        "github" => "GitHub",
        "microsoft" => "Microsoft",
        "google" => "Google",
        "slack" => "Slack",
        _ => provider.Length == 0 ? provider : char.ToUpperInvariant(provider[0]) + provider[1..],
    };

    // The browser's nonce: the cookie's if it has a valid one (so several tabs of a session keep working), else a new one set on the response.
    private static string BrowserNonce(HttpRequest request)
    {
        if (request.HttpContext.Items[CookieName] is string chosen) return chosen;
        string nonce = request.Cookies[CookieName] is { } existing && ConnectTokens.IsBrowserNonce(existing) ? existing : ConnectTokens.NewBrowserNonce();
        request.HttpContext.Items[CookieName] = nonce;
        request.HttpContext.Response.Cookies.Append(CookieName, nonce, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = request.IsHttps,
            Path = request.PathBase + "/" + PatchbayRoutes.Prefix + "/" + PatchbayRoutes.Connect,
            IsEssential = true,
            MaxAge = ConnectTokens.Lifetime,
        });
        return nonce;
    }

    private static ConnectPage ErrorPage(string message) =>
        new ConnectPage("Cannot connect").Error(message);

    /// <summary>
    /// The page with its headers: a strict CSP (nothing but the nonce'd style; forms post to this origin, plus the
    /// session's redirect_uri and the OAuth provider, because browsers check a form post's redirects against
    /// form-action), no framing, no caching, no Referer (the URL carries the token).
    /// </summary>
    private static IResult Html(HttpRequest request, ConnectPage page, int status, ConnectSession? session = null, Connector? connector = null)
    {
        var formTargets = new List<string> { "'self'" };
        if (session?.RedirectUri is { } redirect && Uri.TryCreate(redirect, UriKind.Absolute, out Uri? redirectUri)) formTargets.Add(redirectUri.GetLeftPart(UriPartial.Authority));
        if (connector?.Manifest.Auth.IsOAuth == true && request.HttpContext.RequestServices.GetService<IOAuthInitiator>()?.GetAuthorizeEndpoint(connector) is { } authorize)
        {
            formTargets.Add(authorize.GetLeftPart(UriPartial.Authority));
        }

        IHeaderDictionary headers = request.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = $"default-src 'none'; style-src 'nonce-{page.Nonce}'; form-action {string.Join(' ', formTargets.Distinct(StringComparer.Ordinal))}; frame-ancestors 'none'; base-uri 'none'";
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        return Results.Content(page.ToString(), "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
    }
}
