using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Patchbay.Platform.Connect;

namespace Patchbay.Platform.Tests.Connect;

/// <summary>Connect sessions and the hosted page over real HTTP: tokens, the form token, the allow-list, and connections created from the form.</summary>
[Collection(PatchbayAppCollection.Name)]
public sealed partial class ConnectPageTests(PatchbayApp app)
{
    private const string Secret = "good-key-123";
    private const string Connector = "upstream-test";

    // A plain client on the app's loopback address: no redirects followed, cookies sent by hand.
    private HttpClient Browser() => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.Client.BaseAddress };

    private async Task<JsonElement> SessionAsync(object body)
    {
        HttpResponseMessage response = await app.Client.PostAsync("/api/connect-sessions", Http.Json(body));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private async Task<string> TokenAsync(string entity, string? redirectUri = null) =>
        (await SessionAsync(redirectUri is null ? new { entity_id = entity, connectors = new[] { Connector } } : new { entity_id = entity, connectors = new[] { Connector }, redirect_uri = redirectUri }))
        .GetProperty("token").GetString()!;

    private sealed record Page(HttpStatusCode Status, string Html, string? Cookie, string? FormToken, HttpResponseMessage Response);

    private async Task<Page> OpenAsync(HttpClient browser, string token, string? connector = null)
    {
        HttpResponseMessage response = await browser.GetAsync($"/api/connect?token={Uri.EscapeDataString(token)}" + (connector is null ? string.Empty : "&connector=" + connector));
        string html = await response.Content.ReadAsStringAsync();
        string? cookie = response.Headers.TryGetValues("Set-Cookie", out IEnumerable<string>? cookies) ? cookies.Single().Split(';')[0] : null;
        Match formToken = FormTokenInput().Match(html);
        return new Page(response.StatusCode, html, cookie, formToken.Success ? formToken.Groups[1].Value : null, response);
    }

    private static async Task<(HttpStatusCode Status, string Html, HttpResponseMessage Response)> PostAsync(HttpClient browser, string? cookie, params (string Name, string Value)[] fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/connect") { Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))) };
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        HttpResponseMessage response = await browser.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private async Task<JsonElement[]> ConnectionsOfAsync(string entity) =>
        [.. (await (await app.Client.GetAsync($"/api/connections?entity_id={entity}")).ReadJsonAsync()).EnumerateArray()];

    [Fact]
    public async Task Session_NeedsTheApiKey_AndAnswersASignedTokenAndTheConnectUrl()
    {
        using HttpClient anonymous = app.CreateAnonymousClient();
        await (await anonymous.PostAsync("/api/connect-sessions", Http.Json(new { entity_id = "user-s1" }))).ProblemAsync(401);

        JsonElement session = await SessionAsync(new { entity_id = "user-s1" });

        string token = session.GetProperty("token").GetString()!;
        Assert.Equal(2, token.Split('.').Length);
        Assert.EndsWith("/api/connect?token=" + Uri.EscapeDataString(token), session.GetProperty("connect_url").GetString(), StringComparison.Ordinal);
        TimeSpan left = session.GetProperty("expires_at").GetDateTimeOffset() - DateTimeOffset.UtcNow;
        Assert.InRange(left, ConnectTokens.Lifetime - TimeSpan.FromMinutes(5), ConnectTokens.Lifetime);
        string[] offered = [.. session.GetProperty("connectors").EnumerateArray().Select(c => c.GetString()!)];
        Assert.Contains(Connector, offered);
        Assert.Contains("http", offered);
        Assert.DoesNotContain("rss", offered); // needs no auth
    }

    [Fact]
    public async Task Session_RefusesUnknownConnectors_ConnectorsWithoutAuth_AndRedirectUrisNotOnTheList()
    {
        JsonElement unknown = await (await app.Client.PostAsync("/api/connect-sessions", Http.Json(new { entity_id = "u", connectors = new[] { "nope" } }))).ProblemAsync(400);
        Assert.Equal(["/connectors/0"], unknown.ErrorPaths());
        JsonElement noAuth = await (await app.Client.PostAsync("/api/connect-sessions", Http.Json(new { entity_id = "u", connectors = new[] { Connector, "rss" } }))).ProblemAsync(400);
        Assert.Equal(["/connectors/1"], noAuth.ErrorPaths());

        foreach (string redirect in new[] { "https://evil.example/connected?from=patchbay", PatchbayApp.AllowedRedirectUri + "&x=1", "https://app.example/connected", "javascript:alert(1)" })
        {
            JsonElement problem = await (await app.Client.PostAsync("/api/connect-sessions", Http.Json(new { entity_id = "u", redirect_uri = redirect }))).ProblemAsync(400);
            Assert.Equal(["/redirect_uri"], problem.ErrorPaths());
        }

        await SessionAsync(new { entity_id = "u", redirect_uri = PatchbayApp.AllowedRedirectUri });
    }

    [Fact]
    public async Task Page_IsAnonymous_SelfContained_UnderAStrictCsp_WithAPasswordInputAndASameSiteCookie()
    {
        using HttpClient browser = Browser();
        Page page = await OpenAsync(browser, await TokenAsync("user-page"));

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("text/html", page.Response.Content.Headers.ContentType?.MediaType);
        string csp = page.Response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("form-action 'self'", csp, StringComparison.Ordinal);
        string nonce = Regex.Match(csp, "style-src 'nonce-([^']+)'").Groups[1].Value;
        Assert.Contains($"<style nonce=\"{nonce}\">", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", page.Html);
        Assert.Equal("no-store", page.Response.Headers.CacheControl?.ToString());
        Assert.Contains("<input type=\"password\" id=\"field-api_key\" name=\"f.api_key\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"field-api_key\">", page.Html, StringComparison.Ordinal);
        string setCookie = page.Response.Headers.GetValues("Set-Cookie").Single().ToLowerInvariant();
        Assert.Contains("samesite=strict", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.Ordinal);
        Assert.NotNull(page.FormToken);
    }

    [Fact]
    public async Task Form_CreatesAnActiveConnection_ForTheTokensEntity_WithoutEchoingTheSecret()
    {
        using HttpClient browser = Browser();
        string token = await TokenAsync("user-form");
        Page page = await OpenAsync(browser, token);

        (HttpStatusCode status, string html, _) = await PostAsync(browser, page.Cookie, ("token", token), ("form_token", page.FormToken!), ("connector", Connector), ("f.api_key", Secret));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<strong id=\"status\">ACTIVE</strong>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, html, StringComparison.Ordinal);
        JsonElement connection = Assert.Single(await ConnectionsOfAsync("user-form"));
        Assert.Equal("ACTIVE", connection.GetProperty("status").GetString());
        Assert.Equal(Connector, connection.GetProperty("connector").GetString());
        Assert.Contains(connection.GetProperty("id").GetString()!, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Form_WithARedirectUri_SendsTheUserBackWithConnectionIdAndStatus_AndAllowsThatOriginAsAFormTarget()
    {
        using HttpClient browser = Browser();
        string token = await TokenAsync("user-redirect", PatchbayApp.AllowedRedirectUri);
        Page page = await OpenAsync(browser, token);
        Assert.Contains("form-action 'self' https://app.example;", page.Response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        (HttpStatusCode status, _, HttpResponseMessage response) = await PostAsync(browser, page.Cookie, ("token", token), ("form_token", page.FormToken!), ("connector", Connector), ("f.api_key", Secret));

        Assert.Equal(HttpStatusCode.Redirect, status);
        string id = Assert.Single(await ConnectionsOfAsync("user-redirect")).GetProperty("id").GetString()!;
        Assert.Equal($"{PatchbayApp.AllowedRedirectUri}&connection_id={id}&status=ACTIVE", response.Headers.Location!.AbsoluteUri);
    }

    [Fact]
    public async Task RefusedCredentials_ShowTheErrorAndTheFormAgain_LeaveNoConnection_AndNeverEchoTheSecret()
    {
        using HttpClient browser = Browser();
        string token = await TokenAsync("user-refused");
        Page page = await OpenAsync(browser, token);

        (HttpStatusCode status, string html, _) = await PostAsync(browser, page.Cookie, ("token", token), ("form_token", page.FormToken!), ("connector", Connector), ("f.api_key", "wrong-key-4711"));
        (HttpStatusCode tooShort, string shortHtml, _) = await PostAsync(browser, page.Cookie, ("token", token), ("form_token", page.FormToken!), ("connector", Connector), ("f.api_key", "abc"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
        Assert.Contains("HTTP 401", html, StringComparison.Ordinal);
        Assert.Contains("id=\"connect-form\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key-4711", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, tooShort);
        Assert.Contains("aria-invalid=\"true\"", shortHtml, StringComparison.Ordinal);
        Assert.Empty(await ConnectionsOfAsync("user-refused"));
    }

    [Fact]
    public async Task ExpiredOrTamperedTokens_AreAClearErrorPage_AndChangeNothing()
    {
        string fresh = await TokenAsync("user-victim");
        // Signed with the server's own keys, but issued 16 minutes ago.
        var past = new FakeTimeProvider(DateTimeOffset.UtcNow - ConnectTokens.Lifetime - TimeSpan.FromMinutes(1));
        string expired = new ConnectTokens(PatchbayApp.EncryptionKeys, past).Issue("user-victim", [Connector], null).Token;
        // The same signature over claims naming another entity.
        string[] parts = fresh.Split('.');
        string claims = Encoding(parts[0]).Replace("user-victim", "user-attack", StringComparison.Ordinal);
        string otherEntity = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(claims)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "." + parts[1];
        using HttpClient browser = Browser();

        Page expiredPage = await OpenAsync(browser, expired);
        Page tamperedPage = await OpenAsync(browser, otherEntity);
        Page cutPage = await OpenAsync(browser, parts[0]);
        Page wrongKey = await OpenAsync(browser, new ConnectTokens("k9:" + Convert.ToBase64String(new byte[32]), TimeProvider.System).Issue("user-victim", [Connector], null).Token);

        Assert.Equal(HttpStatusCode.BadRequest, expiredPage.Status);
        Assert.Contains("expired", expiredPage.Html, StringComparison.Ordinal);
        Assert.Contains("new connect link", expiredPage.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, tamperedPage.Status);
        Assert.Contains("signature does not match", tamperedPage.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, cutPage.Status);
        Assert.Equal(HttpStatusCode.BadRequest, wrongKey.Status);
        Assert.All(new[] { expiredPage, tamperedPage, cutPage, wrongKey }, p => Assert.DoesNotContain("connect-form", p.Html, StringComparison.Ordinal));

        // Posting the form with them changes nothing either (the form token of a valid page does not help).
        Page valid = await OpenAsync(browser, fresh);
        foreach (string bad in new[] { expired, otherEntity })
        {
            (HttpStatusCode status, _, _) = await PostAsync(browser, valid.Cookie, ("token", bad), ("form_token", valid.FormToken!), ("connector", Connector), ("f.api_key", Secret));
            Assert.Equal(HttpStatusCode.BadRequest, status);
        }

        Assert.Empty(await ConnectionsOfAsync("user-victim"));
        Assert.Empty(await ConnectionsOfAsync("user-attack"));
    }

    [Fact]
    public async Task FormToken_IsBoundToTheSessionBrowserAndConnector_AndCrossSitePostsAreRefused()
    {
        using HttpClient browser = Browser();
        string tokenA = await TokenAsync("user-csrf-a");
        string tokenB = await TokenAsync("user-csrf-b");
        Page pageA = await OpenAsync(browser, tokenA);
        Page pageB = await OpenAsync(browser, tokenB);
        (string, string)[] Fields(string token, string formToken) => [("token", token), ("form_token", formToken), ("connector", Connector), ("f.api_key", Secret)];

        // No cookie (a cross-site post carries no SameSite=Strict cookie), another browser's cookie, another session's form token, none at all.
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(browser, null, Fields(tokenA, pageA.FormToken!))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(browser, pageB.Cookie, Fields(tokenA, pageA.FormToken!))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(browser, pageA.Cookie, Fields(tokenA, pageB.FormToken!))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(browser, pageA.Cookie, [("token", tokenA), ("connector", Connector), ("f.api_key", Secret)])).Status);
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "/api/connect") { Content = new FormUrlEncodedContent(Fields(tokenA, pageA.FormToken!).Select(f => KeyValuePair.Create(f.Item1, f.Item2))) };
        crossSite.Headers.Add("Cookie", pageA.Cookie);
        crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(crossSite)).StatusCode);
        // A field the page does not draw (say, another entity_id) is refused, not used.
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(browser, pageA.Cookie, [.. Fields(tokenA, pageA.FormToken!), ("entity_id", "user-csrf-b")])).Status);

        Assert.Empty(await ConnectionsOfAsync("user-csrf-a"));
        Assert.Empty(await ConnectionsOfAsync("user-csrf-b"));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(browser, pageA.Cookie, Fields(tokenA, pageA.FormToken!))).Status);
        Assert.Single(await ConnectionsOfAsync("user-csrf-a"));
    }

    [Fact]
    public async Task AConnectorTheSessionDoesNotOffer_IsForbidden_OnThePageAndTheForm()
    {
        using HttpClient browser = Browser();
        string token = await TokenAsync("user-scope");
        Page page = await OpenAsync(browser, token);

        Page other = await OpenAsync(browser, token, "http");
        (HttpStatusCode status, _, _) = await PostAsync(browser, page.Cookie, ("token", token), ("form_token", page.FormToken!), ("connector", "http"), ("f.auth_method", "none"));

        Assert.Equal(HttpStatusCode.Forbidden, other.Status);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Empty(await ConnectionsOfAsync("user-scope"));
    }

    [Fact]
    public async Task ASessionOfSeveralConnectors_ListsThemAsLinks_AndShowsNoFormUntilOneIsChosen()
    {
        using HttpClient browser = Browser();
        JsonElement session = await SessionAsync(new { entity_id = "user-list", connectors = new[] { Connector, "http" } });
        Page page = await OpenAsync(browser, session.GetProperty("token").GetString()!);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Choose the account to connect", page.Html, StringComparison.Ordinal);
        Assert.Contains("&amp;connector=http\"", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Connect with", page.Html, StringComparison.Ordinal);
        Assert.Null(page.FormToken);
    }

    private static string Encoding(string base64Url)
    {
        string padded = base64Url.Replace('-', '+').Replace('_', '/');
        padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", _ => string.Empty };
        return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(padded));
    }

    [GeneratedRegex("name=\"form_token\" value=\"([^\"]+)\"")]
    private static partial Regex FormTokenInput();
}
