using System.Net;
using System.Text;
using System.Text.Json;

namespace Patchbay.Platform.Tests;

[Collection(PatchbayAppCollection.Name)]
public class ActionsApiTests(PatchbayApp app)
{
    private readonly HttpClient _client = app.Client;
    private string Base => app.Upstream.BaseAddress.ToString();

    private Task<HttpResponseMessage> RunAsync(object body, string action = "get_thing") =>
        _client.PostAsync($"/api/connectors/upstream-test/actions/{action}", Http.Json(body));

    [Fact]
    public async Task Action_WithInlineAuth_AnswersTheIntegrationResult()
    {
        HttpResponseMessage response = await RunAsync(new { inputs = new { base_url = Base, path = "/things" }, auth = new { api_key = "good-key-123" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement result = await response.ReadJsonAsync();
        Assert.Equal("action", result.GetProperty("type").GetString());
        Assert.Equal(200, result.GetProperty("result").GetProperty("data").GetProperty("status").GetInt32());
        Assert.Contains(app.Upstream.Requests, r => r.PathAndQuery == "/things?limit=10" && r.Headers["X-Api-Key"] == "good-key-123");
    }

    /// <summary>Text the upstream answers on /words: an apostrophe, HTML characters, non-ASCII and an astral character.</summary>
    public const string Words = "l'été <b>&</b> \U0001F600";

    [Fact]
    public async Task Action_Answer_IsTheResultsUtf8Json_WithTextUnescaped()
    {
        HttpResponseMessage response = await RunAsync(new { inputs = new { base_url = Base, path = "/words" }, auth = new { api_key = "good-key-123" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        // Written once as UTF-8, relaxed escaping (served as JSON, never inside HTML): the text reads as the upstream sent it,
        // but for the astral character, which System.Text.Json's encoders always escape.
        string text = Encoding.UTF8.GetString(body);
        Assert.Contains("\"text\":\"l'été <b>&</b> \\uD83D\\uDE00\"", text, StringComparison.Ordinal);
        using JsonDocument document = JsonDocument.Parse(body);
        JsonElement result = document.RootElement;
        Assert.Equal(["version", "type", "result"], result.EnumerateObject().Select(p => p.Name));
        Assert.Equal("action", result.GetProperty("type").GetString());
        Assert.Equal(Words, result.GetProperty("result").GetProperty("data").GetProperty("body").GetProperty("text").GetString());
        Assert.True(response.Headers.Contains("X-Patchbay-Invocation-Id"));
    }

    // The http connector copies a JSON body into its result as received; the answer is still written from the parsed
    // value: compact, the upstream's escapes read and written the answer's way.
    [Fact]
    public async Task HttpRequest_SpacedJsonWithEscapes_IsAnsweredCompactAndUnescaped()
    {
        HttpResponseMessage response = await _client.PostAsync("/api/connectors/http/actions/request",
            Http.Json(new { inputs = new { url = Base + "spaced-json" }, auth = new { auth_method = "none" } }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("\"body\":{\"text\":\"l'été / <b>\",\"n\":[1,2.50]},\"ok\":true}", text, StringComparison.Ordinal);
    }

    // The upstream's JSON is as deep as a JSON document may be (64 levels); wrapped in the result it is deeper. It is
    // answered, not a 500 from parsing the result.
    [Fact]
    public async Task HttpRequest_JsonAsDeepAsAllowed_IsAnsweredWhole()
    {
        HttpResponseMessage response = await _client.PostAsync("/api/connectors/http/actions/request",
            Http.Json(new { inputs = new { url = Base + "deep-json" }, auth = new { auth_method = "none" } }));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        string text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("\"body\":" + new string('[', 64) + new string(']', 64) + ",\"ok\":true", text, StringComparison.Ordinal);
    }

    // RFC 8259: JSON is UTF-8. Bytes that are not are text with U+FFFD in their place, not a 500 while writing the answer.
    [Fact]
    public async Task HttpRequest_JsonBodyThatIsNotUtf8_IsAnsweredAsText()
    {
        HttpResponseMessage response = await _client.PostAsync("/api/connectors/http/actions/request",
            Http.Json(new { inputs = new { url = Base + "not-utf8" }, auth = new { auth_method = "none" } }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement data = (await response.ReadJsonAsync()).GetProperty("result").GetProperty("data");
        Assert.Equal("{\"name\":\"caf\uFFFD\"}", data.GetProperty("body").GetString());
        Assert.True(data.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Action_InvalidInputs_Are400WithEveryPath()
    {
        HttpResponseMessage response = await RunAsync(new { inputs = new { base_url = 5, path = "no-slash", limit = 1000 }, auth = new { api_key = "good-key-123" } });

        JsonElement problem = await response.ProblemAsync(400);
        Assert.Equal("urn:patchbay:problem:validation-failed", problem.GetProperty("type").GetString());
        Assert.Equal(["/inputs/base_url", "/inputs/limit", "/inputs/path"], problem.ErrorPaths().Order());
    }

    [Theory]
    [InlineData("not json", "")]
    [InlineData("[1,2]", "")]
    [InlineData("{\"inputs\": 5}", "/inputs")]
    [InlineData("{\"input\": {}}", "/input")]
    [InlineData("{\"connection_id\": 7}", "/connection_id")]
    [InlineData("{\"auth\": \"key\"}", "/auth")]
    public async Task Action_BadBodies_Are400WithThePath(string body, string path)
    {
        HttpResponseMessage response = await _client.PostAsync("/api/connectors/upstream-test/actions/get_thing", Http.Raw(body));

        JsonElement problem = await response.ProblemAsync(400);
        Assert.Contains(path, problem.ErrorPaths());
    }

    [Fact]
    public async Task Action_BodyOverTheLimit_Is413()
    {
        string big = "{\"inputs\":{\"pad\":\"" + new string('x', 2 * 1024 * 1024) + "\"}}";
        // Expect: 100-continue lets the server refuse before the 2 MiB are sent, so the answer is never lost to a reset.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/connectors/upstream-test/actions/get_thing") { Content = Http.Raw(big) };
        request.Headers.ExpectContinue = true;
        HttpResponseMessage response = await _client.SendAsync(request);

        await response.ProblemAsync(413);
    }

    [Fact]
    public async Task Action_NotJsonContentType_Is415()
    {
        HttpResponseMessage response = await _client.PostAsync("/api/connectors/upstream-test/actions/get_thing", Http.Raw("a=b", "application/x-www-form-urlencoded"));
        await response.ProblemAsync(415);
    }

    [Theory]
    [InlineData("/api/connectors/nope/actions/get_thing")]
    [InlineData("/api/connectors/upstream-test/actions/nope")]
    [InlineData("/api/connectors/upstream-test/triggers/nope/poll")]
    public async Task UnknownConnectorActionOrTrigger_Is404(string path)
    {
        HttpResponseMessage response = await _client.PostAsync(path, Http.Json(new { auth = new { api_key = "good-key-123" } }));
        await response.ProblemAsync(404);
    }

    [Fact]
    public async Task UnknownConnection_Is404()
    {
        HttpResponseMessage response = await RunAsync(new { inputs = new { base_url = Base, path = "/things" }, connection_id = "con_missing" });
        await response.ProblemAsync(404);
    }

    [Fact]
    public async Task Upstream500_Is502WithTheUpstreamStatus()
    {
        HttpResponseMessage response = await RunAsync(new { inputs = new { base_url = Base, path = "/fail" }, auth = new { api_key = "good-key-123" } });

        JsonElement problem = await response.ProblemAsync(502);
        Assert.Equal(500, problem.GetProperty("upstream_status").GetInt32());
    }

    [Fact]
    public async Task UpstreamTimeout_Is504()
    {
        // Each attempt may take 200 ms (the handler's per-request timeout); /slow answers after 30 s.
        HttpResponseMessage response = await RunAsync(new { inputs = new { base_url = Base, path = "/slow", timeout_ms = 200 }, auth = new { api_key = "good-key-123" } });
        await response.ProblemAsync(504);
    }

    [Fact]
    public async Task Upstream429_Is429WithRetryAfter()
    {
        HttpResponseMessage response = await RunAsync(new { inputs = new { base_url = Base, path = "/limited" }, auth = new { api_key = "good-key-123" } });

        JsonElement problem = await response.ProblemAsync(429);
        Assert.Equal(TimeSpan.FromSeconds(120), response.Headers.RetryAfter?.Delta);
        Assert.Equal(120, problem.GetProperty("retry_after_seconds").GetInt32());
    }

    [Fact]
    public async Task OutputBreakingItsSchema_Is500ConnectorError()
    {
        HttpResponseMessage response = await RunAsync(new { auth = new { api_key = "good-key-123" } }, "bad_output");

        JsonElement problem = await response.ProblemAsync(500);
        Assert.Equal("urn:patchbay:problem:connector-error", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task MissingCredentials_Are400()
    {
        HttpResponseMessage response = await RunAsync(new { inputs = new { base_url = Base, path = "/things" } });
        JsonElement problem = await response.ProblemAsync(400);
        Assert.Contains("/auth/api_key", problem.ErrorPaths());
    }

    [Fact]
    public async Task Poll_AnswersRecordsAndPolledAt()
    {
        HttpResponseMessage response = await _client.PostAsync("/api/connectors/upstream-test/triggers/items/poll",
            Http.Json(new { inputs = new { base_url = Base }, auth = new { api_key = "good-key-123" }, last_poll_ts = "2026-11-24T06:00:00Z" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement body = await response.ReadJsonAsync();
        Assert.Equal([1, 2], body.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("id").GetInt32()));
        Assert.True(body.TryGetProperty("polled_at", out _));
    }

    [Fact]
    public async Task Poll_BadLastPollTs_Is400()
    {
        HttpResponseMessage response = await _client.PostAsync("/api/connectors/upstream-test/triggers/items/poll",
            Http.Json(new { inputs = new { base_url = Base }, auth = new { api_key = "good-key-123" }, last_poll_ts = "yesterday" }));
        JsonElement problem = await response.ProblemAsync(400);
        Assert.Contains("/last_poll_ts", problem.ErrorPaths());
    }

    [Fact]
    public async Task InvocationIdFromTheHost_IsEchoedAndLogged()
    {
        string invocationId = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/connectors/upstream-test/actions/get_thing")
        {
            Content = Http.Json(new { inputs = new { base_url = Base, path = "/things" }, auth = new { api_key = "good-key-123" } }),
        };
        request.Headers.Add("X-Azure-Functions-InvocationId", invocationId);

        HttpResponseMessage response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(invocationId, response.Headers.GetValues("X-Patchbay-Invocation-Id").Single());
        Assert.Contains(app.Logs, line => line.Contains($"[InvocationId={invocationId}]", StringComparison.Ordinal)
            && line.Contains("[Connector=upstream-test]", StringComparison.Ordinal) && line.Contains("[Action=get_thing]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProblemAnswer_CarriesTheInvocationIdHeader_SameAsInTheBody()
    {
        // The exception handler clears the response before writing the problem; the header must survive it.
        HttpResponseMessage response = await _client.PostAsync("/api/connectors/upstream-test/actions/no_such_action", Http.Json(new { inputs = new { } }));

        JsonElement problem = await response.ProblemAsync(404);
        string invocationId = problem.GetProperty("invocation_id").GetString()!;
        Assert.Equal(invocationId, response.Headers.GetValues("X-Patchbay-Invocation-Id").Single());
    }

    [Fact]
    public async Task ClientThatDisconnects_CancelsTheHandler()
    {
        // The upstream call may take 20 s; only the client's disconnect can end it within the wait below.
        using HttpClient client = app.CreateAnonymousClient();
        client.DefaultRequestHeaders.Add("x-functions-key", PatchbayApp.ApiKey);
        using var aborter = new CancellationTokenSource();
        Task<HttpResponseMessage> hanging = client.PostAsync("/api/connectors/upstream-test/actions/get_thing",
            Http.Json(new { inputs = new { base_url = Base, path = "/hang-until-cancelled", timeout_ms = 20000 }, auth = new { api_key = "good-key-123" } }), aborter.Token);
        await WaitUntilAsync(() => app.Counters.GetValueOrDefault("hang-started") >= 1);

        aborter.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hanging);
        await WaitUntilAsync(() => app.Counters.GetValueOrDefault("hang-cancelled") >= 1);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 200 && !condition(); i++) await Task.Delay(25);
        Assert.True(condition());
    }
}
