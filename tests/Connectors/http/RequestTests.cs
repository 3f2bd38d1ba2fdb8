using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Patchbay.Connectors.Testing;
using Patchbay.Sdk;
using Patchbay.Sdk.Fetch;
using Patchbay.Sdk.Testing;
using static Patchbay.Connectors.Http.Tests.HttpHost;

namespace Patchbay.Connectors.Http.Tests;

public class RequestTests
{
    private static IResult Echo(HttpContext http, string body) => Results.Json(new
    {
        method = http.Request.Method,
        content_type = http.Request.ContentType,
        body,
    });

    [Fact]
    public async Task Request_Get_ReturnsStatusHeadersParsedBodyAndOk()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/v1/orders", (HttpContext http) =>
        {
            http.Response.Headers["X-RateLimit-Remaining"] = "4999";
            http.Response.Headers["X-Request-Id"] = "req_8f2a";
            return Results.Json(new { data = new[] { new { id = "ord_1", total = 12.5 } }, has_more = false });
        }));

        IntegrationResult result = await For(server).ExecuteActionAsync("request", new { url = "https://api.example.com/v1/orders" });

        JsonElement data = Assert.IsType<ActionResult>(result.Outcome).Data;
        Assert.Equal(200, data.GetProperty("status").GetInt32());
        Assert.True(data.GetProperty("ok").GetBoolean());
        Assert.Equal("4999", data.GetProperty("headers").GetProperty("x-ratelimit-remaining").GetString());
        Assert.Equal("req_8f2a", data.GetProperty("headers").GetProperty("x-request-id").GetString());
        Assert.StartsWith("application/json", data.GetProperty("headers").GetProperty("content-type").GetString(), StringComparison.Ordinal);
        Assert.Equal("ord_1", data.GetProperty("body").GetProperty("data")[0].GetProperty("id").GetString());
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v1/orders", request.PathAndQuery);
        Assert.False(request.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Request_QueryAndHeaders_AreSent()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/v1/search", () => Results.Json(Array.Empty<object>())));

        await For(server).ExecuteActionAsync("request", new
        {
            url = "https://api.example.com/v1/search?lang=en#results",
            query = new Dictionary<string, object?> { ["q"] = "café & bar", ["tag"] = new[] { "a", "b" }, ["page"] = 2, ["exact"] = true, ["skip"] = null, ["filter"] = new { min = 1 } },
            headers = new Dictionary<string, string> { ["Accept"] = "application/vnd.example+json", ["X-Trace"] = "t-1" },
        });

        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("/v1/search?lang=en&q=caf%C3%A9%20%26%20bar&tag=a&tag=b&page=2&exact=true&filter=%7B%22min%22%3A1%7D", request.PathAndQuery);
        Assert.Equal("application/vnd.example+json", request.Headers["Accept"]);
        Assert.Equal("t-1", request.Headers["X-Trace"]);
    }

    [Fact]
    public async Task Request_PostWithJsonBody_SendsJson()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapPost("/v1/orders", async (HttpContext http) =>
        {
            string body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            return Results.Json(new { id = "ord_2", received = JsonDocument.Parse(body).RootElement }, statusCode: 201);
        }));

        IntegrationResult result = await For(server).ExecuteActionAsync("request", new
        {
            method = "POST",
            url = "https://api.example.com/v1/orders",
            body = new { items = new[] { new { sku = "A-1", qty = 2 } }, note = (string?)null },
        });

        JsonElement data = Assert.IsType<ActionResult>(result.Outcome).Data;
        Assert.Equal(201, data.GetProperty("status").GetInt32());
        Assert.True(data.GetProperty("ok").GetBoolean());
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal("""{"items":[{"sku":"A-1","qty":2}]}""", request.Body); // the test host leaves out nulls
    }

    [Fact]
    public async Task Request_StringBody_IsSentAsIsWithTheCallersContentType()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapPut("/v1/doc", async Task<IResult> (HttpContext http) => Echo(http, await new StreamReader(http.Request.Body).ReadToEndAsync())));

        IntegrationResult result = await For(server).ExecuteActionAsync("request", new
        {
            method = "PUT",
            url = "https://api.example.com/v1/doc",
            headers = new Dictionary<string, string> { ["Content-Type"] = "application/xml; charset=utf-8" },
            body = "<doc><title>Hi</title></doc>",
        });

        JsonElement body = Assert.IsType<ActionResult>(result.Outcome).Data.GetProperty("body");
        Assert.Equal("PUT", body.GetProperty("method").GetString());
        Assert.Equal("application/xml; charset=utf-8", body.GetProperty("content_type").GetString());
        Assert.Equal("<doc><title>Hi</title></doc>", body.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Request_ObjectBodyWithFormContentType_IsFormEncoded()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapPost("/oauth/token", async Task<IResult> (HttpContext http) => Echo(http, await new StreamReader(http.Request.Body).ReadToEndAsync())));

        IntegrationResult result = await For(server).ExecuteActionAsync("request", new
        {
            method = "POST",
            url = "https://api.example.com/oauth/token",
            headers = new Dictionary<string, string> { ["Content-Type"] = "application/x-www-form-urlencoded" },
            body = new { grant_type = "client_credentials", scope = "read write", ttl = 60 },
        });

        JsonElement body = Assert.IsType<ActionResult>(result.Outcome).Data.GetProperty("body");
        Assert.Equal("grant_type=client_credentials&scope=read+write&ttl=60", body.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Request_TextAnswer_IsReturnedAsAString()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/health", () => Results.Text("OK", "text/plain")));

        IntegrationResult result = await For(server).ExecuteActionAsync("request", new { url = "https://api.example.com/health" });

        Assert.Equal("OK", Assert.IsType<ActionResult>(result.Outcome).Data.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Request_HeadAndNoContent_HaveANullBody()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapMethods("/v1/orders/ord_1", ["HEAD"], (HttpContext http) =>
            {
                http.Response.Headers.ETag = "\"v7\"";
                return Results.Ok();
            });
            app.MapDelete("/v1/orders/ord_1", () => Results.NoContent());
        });
        var host = For(server);

        JsonElement head = Assert.IsType<ActionResult>((await host.ExecuteActionAsync("request", new { method = "HEAD", url = "https://api.example.com/v1/orders/ord_1" })).Outcome).Data;
        JsonElement delete = Assert.IsType<ActionResult>((await host.ExecuteActionAsync("request", new { method = "DELETE", url = "https://api.example.com/v1/orders/ord_1" })).Outcome).Data;

        Assert.Equal(JsonValueKind.Null, head.GetProperty("body").ValueKind);
        Assert.Equal("\"v7\"", head.GetProperty("headers").GetProperty("etag").GetString());
        Assert.Equal(204, delete.GetProperty("status").GetInt32());
        Assert.Equal(JsonValueKind.Null, delete.GetProperty("body").ValueKind);
        Assert.Equal(["HEAD", "DELETE"], server.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task Request_NotFound_IsReturnedAsDataWithOkFalse()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/v1/orders/nope", (HttpContext http) =>
        {
            http.Response.Headers["Request-Id"] = "req_404";
            return Results.Json(new { error = new { type = "invalid_request_error", code = "resource_missing", message = "No such order: 'nope'" } }, statusCode: 404);
        }));

        IntegrationResult result = await For(server).ExecuteActionAsync("request", new { url = "https://api.example.com/v1/orders/nope" });

        Assert.False(result.IsError);
        JsonElement data = Assert.IsType<ActionResult>(result.Outcome).Data;
        Assert.Equal(404, data.GetProperty("status").GetInt32());
        Assert.False(data.GetProperty("ok").GetBoolean());
        Assert.Equal("resource_missing", data.GetProperty("body").GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("req_404", data.GetProperty("headers").GetProperty("request-id").GetString());
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Request_ServerErrorOnGet_IsRetriedThenReturnedWithOkFalse()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/v1/flaky", () => Results.Json(new { message = "upstream exploded" }, statusCode: 502)));

        IntegrationResult result = await For(server).ExecuteActionAsync("request", new { url = "https://api.example.com/v1/flaky" });

        JsonElement data = Assert.IsType<ActionResult>(result.Outcome).Data;
        Assert.Equal(502, data.GetProperty("status").GetInt32());
        Assert.False(data.GetProperty("ok").GetBoolean());
        Assert.Equal("upstream exploded", data.GetProperty("body").GetProperty("message").GetString());
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public async Task Request_ServerErrorOnPost_IsNotRepeated()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapPost("/v1/charges", () => Results.Json(new { message = "internal" }, statusCode: 500)));

        IntegrationResult result = await For(server).ExecuteActionAsync("request", new { method = "POST", url = "https://api.example.com/v1/charges", body = new { amount = 100 } });

        Assert.Equal(500, Assert.IsType<ActionResult>(result.Outcome).Data.GetProperty("status").GetInt32());
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Request_ShortRateLimit_IsRetriedAndSucceeds()
    {
        int calls = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/v1/orders", (HttpContext http) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                http.Response.Headers.RetryAfter = "1";
                http.Response.Headers["X-RateLimit-Remaining"] = "0";
                return Results.Json(new { message = "API rate limit exceeded" }, statusCode: 429);
            }

            return Results.Json(new { data = Array.Empty<object>() });
        }));

        IntegrationResult result = await For(server).ExecuteActionAsync("request", new { url = "https://api.example.com/v1/orders" });

        Assert.True(Assert.IsType<ActionResult>(result.Outcome).Data.GetProperty("ok").GetBoolean());
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Request_LongRateLimit_SurfacesAsRateLimitError()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/v1/orders", (HttpContext http) =>
        {
            http.Response.Headers.RetryAfter = "120";
            return Results.Json(new { message = "API rate limit exceeded" }, statusCode: 429);
        }));

        RateLimitError error = await Assert.ThrowsAsync<RateLimitError>(() => For(server).ExecuteActionAsync("request", new { url = "https://api.example.com/v1/orders" }));

        Assert.Equal(TimeSpan.FromMinutes(2), error.RetryAfter);
        Assert.Single(server.Requests);
    }

    public static TheoryData<object, string, string> AuthMethods => new()
    {
        { new { auth_method = "bearer", token = "tok_live_123" }, "Authorization", "Bearer tok_live_123" },
        { new { auth_method = "api_key", api_key = "key_abc" }, "X-Api-Key", "key_abc" },
        { new { auth_method = "api_key", api_key = "key_abc", header_name = "X-Goog-Api-Key" }, "X-Goog-Api-Key", "key_abc" },
        { new { auth_method = "basic", username = "ada", password = "s3cr:et" }, "Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ada:s3cr:et")) },
    };

    [Theory]
    [MemberData(nameof(AuthMethods))]
    public async Task Request_AuthMethod_InjectsTheCredentialHeader(object auth, string header, string expected)
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/v1/me", () => Results.Json(new { id = 1 })));

        await For(server).ExecuteActionAsync("request", new { url = "https://api.example.com/v1/me" }, auth);

        Assert.Equal(expected, Assert.Single(server.Requests).Headers[header]);
    }

    [Fact]
    public async Task Request_RedirectToAnotherOrigin_DoesNotCarryACustomApiKeyHeader()
    {
        await using var elsewhere = await LoopbackServer.StartAsync(app => app.MapGet("/landing", () => Results.Json(new { landed = true })));
        await using var server = await LoopbackServer.StartAsync(app =>
            app.MapGet("/v1/moved", () => Results.Redirect(new Uri(elsewhere.BaseAddress, "/landing").ToString())));

        IntegrationResult result = await For(server).ExecuteActionAsync("request", new { url = "https://api.example.com/v1/moved" },
            new { auth_method = "api_key", api_key = "key_must_not_travel", header_name = "X-Goog-Api-Key" });

        Assert.Equal("key_must_not_travel", Assert.Single(server.Requests).Headers["X-Goog-Api-Key"]);
        RecordedRequest hop = Assert.Single(elsewhere.Requests);
        Assert.False(hop.Headers.ContainsKey("X-Goog-Api-Key"));
        Assert.True(((ActionResult)result.Outcome!).Data.GetProperty("body").GetProperty("landed").GetBoolean());
    }

    [Fact]
    public async Task Request_AuthNone_SendsNoCredentialButKeepsTheCallersAuthorization()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/v1/me", () => Results.Json(new { id = 1 })));
        var host = For(server);

        await host.ExecuteActionAsync("request", new { url = "https://api.example.com/v1/me" }, new { auth_method = "none" });
        await host.ExecuteActionAsync("request", new { url = "https://api.example.com/v1/me", headers = new Dictionary<string, string> { ["Authorization"] = "Token own" } }, new { auth_method = "none" });

        RecordedRequest[] requests = [.. server.Requests];
        Assert.False(requests[0].Headers.ContainsKey("Authorization"));
        Assert.False(requests[0].Headers.ContainsKey("X-Api-Key"));
        Assert.Equal("Token own", requests[1].Headers["Authorization"]);
    }

    [Fact]
    public async Task Request_ConnectionCredential_ReplacesAHeaderOfTheSameName()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/v1/me", () => Results.Json(new { id = 1 })));

        await For(server).ExecuteActionAsync(
            "request",
            new { url = "https://api.example.com/v1/me", headers = new Dictionary<string, string> { ["authorization"] = "Bearer forged" } },
            new { auth_method = "bearer", token = "tok_live_123" });

        Assert.Equal("Bearer tok_live_123", Assert.Single(server.Requests).Headers["Authorization"]);
    }

    [Theory]
    [InlineData("https://api.example.com/v1/me", true)]
    [InlineData("https://API.EXAMPLE.COM/v1/me", true)]
    [InlineData("https://eu.api.example.com/v1/me", true)] // *.api.example.com
    [InlineData("https://example.com/v1/me", false)]       // the wildcard covers subdomains only
    [InlineData("https://other.example.org/v1/me", false)]
    public async Task Request_AllowedHosts_RefusesOtherHostsBeforeSending(string url, bool allowed)
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/v1/me", () => Results.Json(new { id = 1 })));
        var auth = new { auth_method = "bearer", token = "tok_live_123", allowed_hosts = new[] { "api.example.com", "*.api.example.com" } };

        IntegrationResult result = await For(server).ExecuteActionAsync("request", new { url }, auth);

        if (allowed)
        {
            Assert.True(Assert.IsType<ActionResult>(result.Outcome).Data.GetProperty("ok").GetBoolean());
            Assert.Single(server.Requests);
        }
        else
        {
            ActionError error = Assert.IsType<ActionError>(result.Outcome);
            Assert.Equal($"url: the host {new Uri(url).Host} is not in this connection's allowed_hosts (api.example.com, *.api.example.com); nothing was sent.", error.Message);
            Assert.Empty(server.Requests);
        }
    }

    [Fact]
    public async Task Request_MissingCredentialForTheAuthMethod_IsAnAuthValidationError()
    {
        await using var server = await LoopbackServer.StartAsync(_ => { });

        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() =>
            For(server).ExecuteActionAsync("request", new { url = "https://api.example.com/v1/me" }, new { auth_method = "bearer" }));

        Assert.Equal(ValidationTarget.Auth, error.Target);
        Assert.Contains("token", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Request_BasicWithoutPassword_IsAnAuthValidationError()
    {
        await using var server = await LoopbackServer.StartAsync(_ => { });

        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() =>
            For(server).ExecuteActionAsync("request", new { url = "https://api.example.com/v1/me" }, new { auth_method = "basic", username = "ada" }));

        Assert.Equal(ValidationTarget.Auth, error.Target);
        Assert.Contains("password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_BadInputs_AreValidationErrorsWithPaths()
    {
        await using var server = await LoopbackServer.StartAsync(_ => { });

        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() =>
            For(server).ExecuteActionAsync("request", new { method = "TRACE", url = "https://api.example.com/", timeout_seconds = 500, headers = new { X_Count = 3 } }));

        Assert.Equal(ValidationTarget.Inputs, error.Target);
        Assert.Contains(error.Errors, e => e.Path == "/method");
        Assert.Contains(error.Errors, e => e.Path == "/timeout_seconds");
        Assert.Contains(error.Errors, e => e.Path.StartsWith("/headers", StringComparison.Ordinal));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Request_MissingUrl_IsAValidationError()
    {
        await using var server = await LoopbackServer.StartAsync(_ => { });

        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() => For(server).ExecuteActionAsync("request", new { method = "GET" }));

        Assert.Equal(ValidationTarget.Inputs, error.Target);
    }

    [Fact]
    public async Task Request_NonHttpUrl_IsAnErrorAndSendsNothing()
    {
        await using var server = await LoopbackServer.StartAsync(_ => { });

        IntegrationResult result = await For(server).ExecuteActionAsync("request", new { url = "file:///etc/passwd" });

        Assert.Equal("url must be an absolute http or https URL, not 'file:///etc/passwd'.", Assert.IsType<ActionError>(result.Outcome).Message);
    }

    // A context whose FetchAsync answers from a dictionary that is not FetchAsync's own (case-sensitive, names differing
    // only in case): the result still has one lower-case name per header, the values joined as FetchAsync joins them.
    [Fact]
    public async Task Request_HeadersDifferingOnlyInCase_AreOneLowerCaseHeaderWithTheValuesJoined()
    {
        Connector http = Connector.FromAssembly(typeof(Request).Assembly);
        using var client = new FetchClient();
        var headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["X-Trace"] = "a", ["x-trace"] = "b", ["Content-Type"] = "application/json" };
        var context = new AnsweringContext(client, new FetchResponse(200, headers, JsonDocument.Parse("""{"n":1}""").RootElement));

        IntegrationResult result = await http.ExecuteActionAsync("request", ConnectorTestHost.ToJson(new { url = "https://api.example.com/x" }), context);

        JsonElement data = Assert.IsType<ActionResult>(result.Outcome).Data;
        Assert.Equal("a, b", data.GetProperty("headers").GetProperty("x-trace").GetString());
        Assert.Equal(["x-trace", "content-type"], data.GetProperty("headers").EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, data.GetProperty("body").GetProperty("n").GetInt32());
    }

    private sealed class AnsweringContext(FetchClient client, FetchResponse answer) : ConnectorContext(client)
    {
        public override Task<FetchResponse> FetchAsync(string url, HttpMethod? method = null, IReadOnlyDictionary<string, object?>? query = null, object? json = null,
            IReadOnlyDictionary<string, string>? form = null, HttpContent? body = null, IReadOnlyDictionary<string, string>? headers = null, TimeSpan? timeout = null,
            long? maxResponseBytes = null, CancellationToken cancellationToken = default) => Task.FromResult(answer);
    }
}
