using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Patchbay.Connectors.Testing;
using Patchbay.Sdk;
using static Patchbay.Connectors.Http.Tests.HttpHost;

namespace Patchbay.Connectors.Http.Tests;

public class JsonItemsTests
{
    [Fact]
    public async Task JsonItems_RootArray_EmitsEachItemKeyedByIdWithAuthAndQuery()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/v1/tickets", () => Results.Json(new object[]
        {
            new { id = 101, subject = "Printer on fire", status = "open" },
            new { id = 102, subject = "VPN down", status = "pending" },
        })));

        IReadOnlyList<PollRecord> records = await For(server).PollAsync(
            "json_items",
            new { url = "https://api.example.com/v1/tickets", query = new { status = "open", per_page = 100 }, headers = new Dictionary<string, string> { ["Accept"] = "application/json" } },
            auth: new { auth_method = "api_key", api_key = "zd_key", header_name = "X-Zendesk-Key" });

        Assert.Equal(["101", "102"], records.Select(r => r.Key));
        Assert.Equal(JsonValueKind.Number, records[0].Id.ValueKind);
        Assert.Equal("Printer on fire", records[0].Data.GetProperty("subject").GetString());
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v1/tickets?status=open&per_page=100", request.PathAndQuery);
        Assert.Equal("zd_key", request.Headers["X-Zendesk-Key"]);
        Assert.Equal("application/json", request.Headers["Accept"]);
    }

    [Fact]
    public async Task JsonItems_ItemsPath_FindsTheNestedArray()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/v2/events", () => Results.Json(new
        {
            meta = new { page = 1, total = 2 },
            data = new
            {
                items = new object[]
                {
                    new { uuid = "evt_a", type = "order.created" },
                    new { uuid = "evt_b", type = "order.paid" },
                },
            },
        })));

        IReadOnlyList<PollRecord> records = await For(server).PollAsync("json_items", new { url = "https://api.example.com/v2/events", items_path = "/data/items", id_field = "uuid" });

        Assert.Equal(["evt_a", "evt_b"], records.Select(r => r.Key));
        Assert.Equal("order.paid", records[1].Data.GetProperty("type").GetString());
    }

    [Fact]
    public async Task JsonItems_IdFieldPointerAndEscapedItemsPath_AreResolved()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/feed", () => Results.Text(
            """{"results/v1":[{"sys":{"id":"e1"},"title":"One"},{"sys":{"id":"e2"},"title":"Two"}]}""", "application/json")));

        IReadOnlyList<PollRecord> records = await For(server).PollAsync("json_items", new { url = "https://api.example.com/feed", items_path = "/results~1v1", id_field = "/sys/id" });

        Assert.Equal(["e1", "e2"], records.Select(r => r.Key));
    }

    [Fact]
    public async Task JsonItems_ItemsWithoutAnId_AreSkipped()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/v1/tickets", () => Results.Text(
            """[{"id":1},{"name":"no id"},{"id":null},{"id":""},"scalar",{"id":"x-2"},{"id":{"nested":true}}]""", "application/json")));

        IReadOnlyList<PollRecord> records = await For(server).PollAsync("json_items", new { url = "https://api.example.com/v1/tickets" });

        Assert.Equal(["1", "x-2"], records.Select(r => r.Key));
    }

    [Fact]
    public async Task JsonItems_MissingItemsPath_ThrowsNamingTheTopLevelKeys()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/v1/tickets", () => Results.Json(new { tickets = Array.Empty<object>(), next_page = (string?)null })));

        InvalidDataException error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            For(server).PollAsync("json_items", new { url = "https://api.example.com/v1/tickets", items_path = "/data" }));

        Assert.Equal("items_path '/data' does not exist in the response from api.example.com/v1/tickets; its top level has the keys /tickets, /next_page.", error.Message);
    }

    [Fact]
    public async Task JsonItems_ItemsPathNotAnArray_Throws()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/v1/tickets", () => Results.Json(new { tickets = Array.Empty<object>() })));

        InvalidDataException error = await Assert.ThrowsAsync<InvalidDataException>(() => For(server).PollAsync("json_items", new { url = "https://api.example.com/v1/tickets" }));

        Assert.Equal("items_path '' in the response from api.example.com/v1/tickets is an object, not an array.", error.Message);
    }

    [Fact]
    public async Task JsonItems_TextAnswer_Throws()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/v1/tickets", () => Results.Text("<html>login</html>", "text/html")));

        InvalidDataException error = await Assert.ThrowsAsync<InvalidDataException>(() => For(server).PollAsync("json_items", new { url = "https://api.example.com/v1/tickets" }));

        Assert.Equal("The response from api.example.com/v1/tickets is not JSON (text/html).", error.Message);
    }

    [Fact]
    public async Task JsonItems_HostOutsideAllowedHosts_IsBlockedBeforeSending()
    {
        await using var server = await LoopbackServer.StartAsync(_ => { });

        FetchBlockedException error = await Assert.ThrowsAsync<FetchBlockedException>(() => For(server).PollAsync(
            "json_items",
            new { url = "https://other.example.org/v1/tickets" },
            auth: new { auth_method = "bearer", token = "tok", allowed_hosts = new[] { "*.example.com" } }));

        Assert.Equal("url: the host other.example.org is not in this connection's allowed_hosts (*.example.com); nothing was sent.", error.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task JsonItems_UpstreamError_ThrowsHttpError()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/v1/tickets", () => Results.Json(new { error = "Unauthorized" }, statusCode: 401)));

        HttpError error = await Assert.ThrowsAsync<HttpError>(() => For(server).PollAsync("json_items", new { url = "https://api.example.com/v1/tickets" }));

        Assert.Equal(401, error.Status);
    }

    [Fact]
    public async Task JsonItems_LongRateLimit_ThrowsRateLimitError()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/v1/tickets", (HttpContext http) =>
        {
            http.Response.Headers.RetryAfter = "600";
            return Results.Json(new { error = "Too Many Requests" }, statusCode: 429);
        }));

        RateLimitError error = await Assert.ThrowsAsync<RateLimitError>(() => For(server).PollAsync("json_items", new { url = "https://api.example.com/v1/tickets" }));

        Assert.Equal(TimeSpan.FromMinutes(10), error.RetryAfter);
    }

    [Fact]
    public async Task JsonItems_BadInputs_AreValidationErrors()
    {
        await using var server = await LoopbackServer.StartAsync(_ => { });

        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() => For(server).PollAsync("json_items", new { items_path = "data" }));

        Assert.Equal(ValidationTarget.Inputs, error.Target);
        Assert.Empty(server.Requests);
    }
}
