using System.Net;

namespace Patchbay.Platform.Tests;

/// <summary>The API reference page opens with a plain GET, and its cookie is a key for the page and the OpenAPI document only.</summary>
[Collection(PatchbayAppCollection.Name)]
public class ReferencePageTests(PatchbayApp app)
{
    [Fact]
    public async Task Issue11Item11_DocsWithACode_AnswersThePageAtOnce_AndItsRequestsLoadWithTheCookie()
    {
        // What `curl ".../api/docs?code=KEY"` does: one request, no redirects followed, no cookie jar.
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var curl = new HttpClient(handler) { BaseAddress = app.Client.BaseAddress };

        HttpResponseMessage page = await curl.GetAsync("/api/docs?code=" + PatchbayApp.ApiKey);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<base href=\"/api/docs/\" />", html, StringComparison.Ordinal);
        Assert.Contains("\"url\":\"api/openapi/v1.json\"", html, StringComparison.Ordinal);
        Assert.True(page.Headers.CacheControl?.NoStore, "the page carries the key for Try it: never cached");
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());

        // A browser then loads the page's scripts (relative to the base) and the document, sending the cookie it was given.
        string cookie = page.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        foreach (string path in new[] { "/api/docs/scalar.js", "/api/docs/scalar.aspnetcore.js", "/api/openapi/v1.json" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Cookie", cookie);
            Assert.Equal(HttpStatusCode.OK, (await curl.SendAsync(request)).StatusCode);
        }
    }

    [Fact]
    public async Task Issue11Item11_DocsWithoutACode_Is401ProblemDetails()
    {
        using HttpClient anonymous = app.CreateAnonymousClient();

        await (await anonymous.GetAsync("/api/docs")).ProblemAsync(401);
        await (await anonymous.GetAsync("/api/docs?code=wrong")).ProblemAsync(401);
    }

    [Theory]
    [InlineData("/api/connectors")]
    [InlineData("/api/connections?entity_id=u1")]
    [InlineData("/api/tools")]
    public async Task Issue10Item9_TheDocsCookie_IsNotAnApiKeyForOtherRoutes(string path)
    {
        using var handler = new HttpClientHandler { UseCookies = false };
        using var browser = new HttpClient(handler) { BaseAddress = app.Client.BaseAddress };
        HttpResponseMessage page = await browser.GetAsync("/api/docs?code=" + PatchbayApp.ApiKey);
        string cookie = page.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        await (await browser.SendAsync(request)).ProblemAsync(401);

        using var document = new HttpRequestMessage(HttpMethod.Get, "/api/openapi/v1.json");
        document.Headers.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(document)).StatusCode);
    }
}
