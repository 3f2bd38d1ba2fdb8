using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Patchbay.Platform.Tests;

[Collection(PatchbayAppCollection.Name)]
public class CatalogApiTests(PatchbayApp app)
{
    [Fact]
    public async Task Root_AndHealth_AnswerWithoutAKey()
    {
        using HttpClient anonymous = app.CreateAnonymousClient();

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/")).StatusCode);
        JsonElement health = await (await anonymous.GetAsync("/api/health")).ReadJsonAsync();
        Assert.Equal("healthy", health.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("/api/connectors")]
    [InlineData("/api/tools")]
    [InlineData("/api/connections?entity_id=u1")]
    [InlineData("/api/openapi/v1.json")]
    public async Task EveryOtherRoute_NeedsAKey(string path)
    {
        using HttpClient anonymous = app.CreateAnonymousClient();

        JsonElement problem = await (await anonymous.GetAsync(path)).ProblemAsync(401);
        Assert.Equal("urn:patchbay:problem:unauthorized", problem.GetProperty("type").GetString());

        using var wrong = new HttpRequestMessage(HttpMethod.Get, path);
        wrong.Headers.Add("x-functions-key", "wrong");
        await (await anonymous.SendAsync(wrong)).ProblemAsync(401);

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(path + (path.Contains('?') ? "&" : "?") + "code=second-key-abcdef")).StatusCode);
    }

    [Fact]
    public async Task Connectors_ListsEveryConnectorWithItsActions()
    {
        JsonElement list = await (await app.Client.GetAsync("/api/connectors")).ReadJsonAsync();

        JsonElement test = list.EnumerateArray().Single(c => c.GetProperty("id").GetString() == "upstream-test");
        Assert.Equal("custom", test.GetProperty("auth_type").GetString());
        Assert.Equal(["bad_output", "get_thing"], test.GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(["items", "items_5m"], test.GetProperty("polling_triggers").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task Connector_ExposesSchemasDefaultsAndAuthFields()
    {
        JsonElement connector = await (await app.Client.GetAsync("/api/connectors/upstream-test")).ReadJsonAsync();

        JsonElement action = connector.GetProperty("actions").GetProperty("get_thing");
        Assert.Equal(10, action.GetProperty("defaults").GetProperty("limit").GetInt32());
        Assert.Equal("object", action.GetProperty("input_schema").GetProperty("type").GetString());
        Assert.Equal("password", connector.GetProperty("auth").GetProperty("fields").GetProperty("properties").GetProperty("api_key").GetProperty("format").GetString());
        Assert.Equal(30, connector.GetProperty("polling_triggers").GetProperty("items").GetProperty("polling_interval_seconds").GetInt32());
    }

    [Fact]
    public async Task UnknownConnector_Is404()
    {
        await (await app.Client.GetAsync("/api/connectors/nope")).ProblemAsync(404);
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    [InlineData("mcp")]
    public async Task Tools_AreValidForTheFormatAndFilterByTag(string format)
    {
        JsonElement tools = await (await app.Client.GetAsync($"/api/tools?format={format}&connectors=upstream-test&tags=read")).ReadJsonAsync();

        JsonElement tool = Assert.Single(tools.EnumerateArray());
        string name = format == "openai" ? tool.GetProperty("function").GetProperty("name").GetString()! : tool.GetProperty("name").GetString()!;
        Assert.Equal("upstream_test_get_thing", name);
        Assert.Matches(new Regex("^[a-zA-Z0-9_-]{1,64}$"), name);
    }

    [Fact]
    public async Task Tools_UnknownFormat_Is400()
    {
        await (await app.Client.GetAsync("/api/tools?format=gemini")).ProblemAsync(400);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheRoutes()
    {
        JsonElement document = await (await app.Client.GetAsync("/api/openapi/v1.json")).ReadJsonAsync();

        JsonElement paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/connectors/{connector}/actions/{action}", out _));
        Assert.True(paths.TryGetProperty("/api/connections", out _));
    }

    [Fact]
    public async Task ReferencePage_OpenedWithACode_CanLoadTheDocumentWithoutOne()
    {
        using var handler = new HttpClientHandler { UseCookies = true, CookieContainer = new System.Net.CookieContainer() };
        using var browser = new HttpClient(handler) { BaseAddress = app.Client.BaseAddress };

        HttpResponseMessage page = await browser.GetAsync("/api/docs?code=" + PatchbayApp.ApiKey);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/openapi/v1.json")).StatusCode);
    }
}
