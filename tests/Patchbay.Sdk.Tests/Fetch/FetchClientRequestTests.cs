using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Sdk.Tests.Fetch;

[Collection(LoopbackCollection.Name)]
public class FetchClientRequestTests(LoopbackServers servers)
{
    private LoopbackServer Server => servers.Primary;

    private string OkRoute() => Server.Route((ctx, _) => ctx.Response.WriteAsync("ok"));

    [Fact]
    public async Task Query_NestedValuesJsonEncodedNullsSkippedAppendedToExisting()
    {
        string route = OkRoute();
        using FetchClient client = FetchTestClients.Create();
        var query = new Dictionary<string, object?>
        {
            ["filter"] = new Dictionary<string, object> { ["state"] = "open", ["n"] = 2 },
            ["ids"] = new[] { 1, 2 },
            ["skip"] = null,
            ["flag"] = true,
            ["ratio"] = 1.5,
            ["text"] = "a b&c",
            ["element"] = JsonDocument.Parse("""{ "x" : [1, 2] }""").RootElement,
            ["node"] = new JsonArray("p", "q"),
        };

        await FetchTestClients.Context(client).FetchAsync(Server.Url(route, "?existing=1"), query: query);

        string seen = Uri.UnescapeDataString(Server.Seen(route).Single().Query);
        Assert.Equal("""?existing=1&filter={"state":"open","n":2}&ids=[1,2]&flag=true&ratio=1.5&text=a b&c&element={"x":[1,2]}&node=["p","q"]""", seen);
    }

    [Fact]
    public async Task JsonBody_AcceptsElementsNodesAndObjects()
    {
        string route = OkRoute();
        using FetchClient client = FetchTestClients.Create();
        ConnectorContext context = FetchTestClients.Context(client);

        await context.FetchAsync(Server.Url(route), HttpMethod.Post, json: JsonDocument.Parse("""{"a": 1}""").RootElement);
        await context.FetchAsync(Server.Url(route), HttpMethod.Put, json: new JsonObject { ["b"] = 2 });
        await context.FetchAsync(Server.Url(route), HttpMethod.Patch, json: new { c = new[] { "x" } });

        IReadOnlyList<SeenRequest> seen = Server.Seen(route);
        Assert.Equal(["""{"a":1}""", """{"b":2}""", """{"c":["x"]}"""], seen.Select(s => s.Body));
        Assert.All(seen, s => Assert.Equal("application/json", s.Headers["Content-Type"]));
        Assert.Equal(["POST", "PUT", "PATCH"], seen.Select(s => s.Method));
    }

    [Fact]
    public async Task FormBody_IsUrlEncoded()
    {
        string route = OkRoute();
        using FetchClient client = FetchTestClients.Create();

        await FetchTestClients.Context(client).FetchAsync(Server.Url(route), HttpMethod.Post, form: new Dictionary<string, string> { ["a"] = "1 2", ["b"] = "&" });

        SeenRequest seen = Server.Seen(route).Single();
        Assert.Equal("a=1+2&b=%26", seen.Body);
        Assert.Equal("application/x-www-form-urlencoded", seen.Headers["Content-Type"]);
    }

    [Fact]
    public async Task RawBody_IsSentAgainOnEveryAttempt()
    {
        string route = Server.Route((ctx, call) => call == 1 ? FetchClientRetryTests.Status(ctx, 503) : ctx.Response.WriteAsync("ok"));
        using FetchClient client = FetchTestClients.Create();
        using var body = new StringContent("<doc/>", Encoding.UTF8, "application/xml");

        await FetchTestClients.Context(client).FetchAsync(Server.Url(route), HttpMethod.Put, body: body, headers: new Dictionary<string, string> { ["X-Trace"] = "t1" });

        IReadOnlyList<SeenRequest> seen = Server.Seen(route);
        Assert.Equal(2, seen.Count);
        Assert.All(seen, s =>
        {
            Assert.Equal("<doc/>", s.Body);
            Assert.StartsWith("application/xml", s.Headers["Content-Type"], StringComparison.Ordinal);
            Assert.Equal("t1", s.Headers["X-Trace"]);
        });
    }

    [Fact]
    public async Task MoreThanOneBody_ThrowsArgumentException()
    {
        using FetchClient client = FetchTestClients.Create();

        await Assert.ThrowsAsync<ArgumentException>(() => FetchTestClients.Context(client).FetchAsync(
            Server.Url("/x"), HttpMethod.Post, json: new { a = 1 }, form: new Dictionary<string, string> { ["a"] = "1" }));
    }

    [Theory]
    [InlineData("application/json; charset=utf-8", """{"a":[1,true]}""", JsonValueKind.Object)]
    [InlineData("application/problem+json", """{"title":"x"}""", JsonValueKind.Object)]
    [InlineData(null, "[1,2]", JsonValueKind.Array)]
    [InlineData(null, "not json", JsonValueKind.String)]
    [InlineData("text/plain", "[1,2]", JsonValueKind.String)]
    [InlineData("application/json", "{broken", JsonValueKind.String)]
    [InlineData("text/plain", "", JsonValueKind.Undefined)]
    public async Task Response_IsParsedByContentType(string? contentType, string body, JsonValueKind kind)
    {
        string route = Server.Route(async (ctx, _) =>
        {
            if (contentType is not null) ctx.Response.ContentType = contentType;
            ctx.Response.Headers["X-Custom"] = "v";
            await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body));
        });
        using FetchClient client = FetchTestClients.Create();

        FetchResponse response = await FetchTestClients.Context(client).FetchAsync(Server.Url(route));

        Assert.Equal(kind, response.Data.ValueKind);
        if (kind == JsonValueKind.String) Assert.Equal(body, response.Data.GetString());
        Assert.Equal("v", response.Headers["x-custom"]);
        if (contentType is not null) Assert.Equal(contentType, response.Headers["CONTENT-TYPE"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Response_HeadersAsSent_RepeatsJoined_BodyParsedFromTheBufferWithItsBom(bool declaredLength)
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""{"text":"l'été","n":[1,2]}""")];
        string route = Server.Route(async (ctx, _) =>
        {
            ctx.Response.ContentType = "application/json; charset=utf-8";
            ctx.Response.Headers.Append("X-Multi", "a");
            ctx.Response.Headers.Append("X-Multi", "b, c");
            ctx.Response.Headers["X-Date"] = "Mon, 30 Nov 2026 04:00:00 GMT";
            if (declaredLength) ctx.Response.ContentLength = body.Length;
            await ctx.Response.Body.WriteAsync(body);
        });
        using FetchClient client = FetchTestClients.Create();

        FetchResponse response = await FetchTestClients.Context(client).FetchAsync(Server.Url(route));

        Assert.Equal("a, b, c", response.Headers["x-multi"]);
        Assert.Equal("Mon, 30 Nov 2026 04:00:00 GMT", response.Headers["X-Date"]);
        Assert.Equal("application/json; charset=utf-8", response.Headers["Content-Type"]);
        // The body is read whole (and decompressed), so a declared length is not passed on, declared or not.
        Assert.False(response.Headers.ContainsKey("Content-Length"));
        Assert.Equal("l'été", response.Data.GetProperty("text").GetString());
        Assert.Equal(2, response.Data.GetProperty("n").GetArrayLength());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain; charset=utf-8")]
    public async Task Response_TextWithAByteOrderMark_IsTheTextWithoutIt(string? contentType)
    {
        string route = Server.Route(async (ctx, _) =>
        {
            if (contentType is not null) ctx.Response.ContentType = contentType;
            byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("plain été")];
            await ctx.Response.Body.WriteAsync(body);
        });
        using FetchClient client = FetchTestClients.Create();

        FetchResponse response = await FetchTestClients.Context(client).FetchAsync(Server.Url(route));

        Assert.Equal("plain été", response.Data.GetString());
    }

    // RFC 8259: JSON text is UTF-8. A "JSON" answer with bytes that are not UTF-8 used to become a string element whose
    // GetString threw, and whose writing (the http connector's result, an action's answer) threw "Cannot encode invalid UTF-8".
    [Theory]
    [InlineData("application/json")]
    [InlineData(null)]
    public async Task Response_JsonWithBytesThatAreNotUtf8_IsTheTextWithReplacementCharacters(string? contentType)
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("""{"name":"caf"""), 0xE9, .. Encoding.UTF8.GetBytes("\"}")];
        string route = Server.Route(async (ctx, _) =>
        {
            if (contentType is not null) ctx.Response.ContentType = contentType;
            await ctx.Response.Body.WriteAsync(body);
        });
        using FetchClient client = FetchTestClients.Create();

        FetchResponse response = await FetchTestClients.Context(client).FetchAsync(Server.Url(route));

        Assert.Equal(JsonValueKind.String, response.Data.ValueKind);
        Assert.Equal("{\"name\":\"caf\uFFFD\"}", response.Data.GetString());
        Assert.Equal(JsonSerializer.Serialize(response.Data), Written(response));
    }

    [Theory]
    [InlineData("application/json", """{ "a" : [1, 2.50, "\u00e9\/"], "b": null }""")]
    [InlineData("application/problem+json", "  [true]  ")]
    [InlineData("text/plain", "plain été")]
    [InlineData("application/json", "not json")]
    [InlineData(null, "42")]
    [InlineData("application/json; charset=utf-8", "{\"a\":\"été\"}")]
    [InlineData("application/json; charset=\"UTF-8\"", "[1")]
    public async Task Response_WriteDataTo_WritesWhatDataHolds_BeforeAndAfterDataIsRead(string? contentType, string body)
    {
        string route = Server.Route(async (ctx, _) =>
        {
            if (contentType is not null) ctx.Response.ContentType = contentType;
            await ctx.Response.WriteAsync(body);
        });
        using FetchClient client = FetchTestClients.Create();

        FetchResponse response = await FetchTestClients.Context(client).FetchAsync(Server.Url(route));
        string writtenBefore = Written(response);
        JsonElement data = response.Data;

        // The same value (a JSON body may keep its spacing and escapes: a reader sees no difference).
        using JsonDocument before = JsonDocument.Parse(writtenBefore);
        using JsonDocument after = JsonDocument.Parse(Written(response));
        Assert.True(JsonElement.DeepEquals(data, before.RootElement), $"{writtenBefore} is not {data.GetRawText()}");
        Assert.Equal(JsonSerializer.Serialize(data), JsonSerializer.Serialize(before.RootElement));
        Assert.Equal(JsonSerializer.Serialize(data), JsonSerializer.Serialize(after.RootElement));
        Assert.Equal(data.GetRawText(), response.Data.GetRawText());
    }

    // Another charset than UTF-8's: not JSON (RFC 8259), the text as the charset reads it.
    [Fact]
    public async Task Response_JsonLabelledLatin1_IsTheTextTheCharsetReads()
    {
        string route = Server.Route(async (ctx, _) =>
        {
            ctx.Response.ContentType = "application/json; charset=iso-8859-1";
            await ctx.Response.Body.WriteAsync(Encoding.Latin1.GetBytes("{\"name\":\"café\"}"));
        });
        using FetchClient client = FetchTestClients.Create();

        FetchResponse response = await FetchTestClients.Context(client).FetchAsync(Server.Url(route));

        Assert.Equal("{\"name\":\"café\"}", response.Data.GetString());
    }

    [Fact]
    public async Task Response_DataReadFromManyThreadsAtOnce_IsOneValue()
    {
        string route = Server.Route((ctx, _) => ctx.Response.WriteAsJsonAsync(new { items = Enumerable.Range(0, 50).ToArray() }));
        using FetchClient client = FetchTestClients.Create();
        FetchResponse response = await FetchTestClients.Context(client).FetchAsync(Server.Url(route));

        JsonElement[] seen = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => response.Data)));

        Assert.All(seen, element => Assert.Equal(49, element.GetProperty("items")[49].GetInt32()));
        Assert.Equal(50, response.Data.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public void Response_WriteDataTo_NoBody_WritesNull()
    {
        var response = new FetchResponse(204, new Dictionary<string, string>(), default);

        Assert.Equal("null", Written(response));
    }

    private static string Written(FetchResponse response)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            response.WriteDataTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public async Task Response_NoContent_HasUndefinedData()
    {
        string route = Server.Route((ctx, _) => FetchClientRetryTests.Status(ctx, 204));
        using FetchClient client = FetchTestClients.Create();

        FetchResponse response = await FetchTestClients.Context(client).FetchAsync(Server.Url(route), HttpMethod.Delete);

        Assert.Equal(204, response.Status);
        Assert.Equal(JsonValueKind.Undefined, response.Data.ValueKind);
    }

    // A body of declared length is read straight into an array of that size; a HEAD answer declares the length of a body
    // it never sends, which is no body, not a premature end.
    [Fact]
    public async Task Response_HeadWithADeclaredLength_HasNoBody()
    {
        string route = Server.Route((ctx, _) =>
        {
            ctx.Response.ContentType = "application/json";
            ctx.Response.ContentLength = 5000;
            return Task.CompletedTask;
        });
        using FetchClient client = FetchTestClients.Create();

        FetchResponse response = await FetchTestClients.Context(client).FetchAsync(Server.Url(route), HttpMethod.Head);

        Assert.Equal(200, response.Status);
        Assert.Equal(JsonValueKind.Undefined, response.Data.ValueKind);
    }

    // The connection closes before the declared length: a network failure (retried for a GET), never a short body.
    [Fact]
    public async Task Response_EndingBeforeItsDeclaredLength_IsANetworkFailure_AfterTheRetries()
    {
        string route = Server.Route(async (ctx, _) =>
        {
            ctx.Response.ContentType = "application/json";
            ctx.Response.ContentLength = 100;
            await ctx.Response.WriteAsync("{\"a\":1");
            await ctx.Response.Body.FlushAsync();
            ctx.Abort();
        });
        using FetchClient client = FetchTestClients.Create(maxRetries: 2);

        HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(() => FetchTestClients.Context(client).FetchAsync(Server.Url(route)));

        Assert.Contains("3 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, Server.Seen(route).Count);
    }

    [Fact]
    public async Task Response_Non2xxWithText_CarriesTextAsMessageAndData()
    {
        string route = Server.Route((ctx, _) =>
        {
            ctx.Response.StatusCode = 404;
            ctx.Response.Headers["X-RateLimit-Remaining"] = "41";
            return ctx.Response.WriteAsync("no such item");
        });
        using FetchClient client = FetchTestClients.Create();

        HttpError error = await Assert.ThrowsAsync<HttpError>(() => FetchTestClients.Context(client).FetchAsync(Server.Url(route)));

        Assert.Equal(404, error.Status);
        Assert.Equal("no such item", error.ResponseMessage);
        Assert.Equal("no such item", error.ResponseData.GetString());
        Assert.Equal("41", error.Headers["x-ratelimit-remaining"]);
    }

    [Fact]
    public async Task AddPatchbayFetch_FactoryClient_SendsThroughTheGuardedHandler()
    {
        string route = OkRoute();
        var services = new ServiceCollection();
        services.AddPatchbayFetch(o => o.AllowPrivateNetworks = true);
        using ServiceProvider provider = services.BuildServiceProvider();
        ConnectorContext context = FetchTestClients.Context(provider.GetRequiredService<FetchClient>());

        FetchResponse response = await context.FetchAsync(Server.Url(route));

        Assert.Equal("ok", response.Data.GetString());
        await Assert.ThrowsAsync<FetchBlockedException>(() => context.FetchAsync("http://169.254.169.254/"));

        var guarded = new ServiceCollection();
        guarded.AddPatchbayFetch();
        using ServiceProvider guardedProvider = guarded.BuildServiceProvider();
        await Assert.ThrowsAsync<FetchBlockedException>(() =>
            FetchTestClients.Context(guardedProvider.GetRequiredService<FetchClient>()).FetchAsync($"http://localhost:{Server.Port}{route}"));
        Assert.Single(Server.Seen(route));
    }
}
