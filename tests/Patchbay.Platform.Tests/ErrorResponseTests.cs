using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Patchbay.Platform.Tests;

/// <summary>Every error Patchbay answers is problem details with a Patchbay type and a detail, including Kestrel's own refusals.</summary>
[Collection(PatchbayAppCollection.Name)]
public class ErrorResponseTests(PatchbayApp app)
{
    public static TheoryData<string, string, int, string, string> RefusedRequests() => new()
    {
        // name, request line, status, type, a phrase of the detail
        { "NUL in the path", "GET /api/conn\0ectors HTTP/1.1", 400, "urn:patchbay:problem:invalid-request", "NUL" },
        { "percent-encoded NUL", "GET /api/conn%00ectors HTTP/1.1", 400, "urn:patchbay:problem:invalid-request", "NUL" },
        { "a 9000-byte URL", "GET /api/connectors?q=" + new string('a', 9000) + " HTTP/1.1", 414, "urn:patchbay:problem:uri-too-long", "8192 bytes" },
        { "not HTTP at all", "HELLO", 400, "urn:patchbay:problem:invalid-request", "not valid HTTP/1.1" },
    };

    [Theory]
    [MemberData(nameof(RefusedRequests))]
    public async Task Issue11Item7_KestrelRefusals_AnswerProblemDetails(string name, string requestLine, int status, string type, string detail)
    {
        RawResponse response = await SendRawAsync(requestLine + "\r\nHost: localhost\r\nx-functions-key: " + PatchbayApp.ApiKey + "\r\n\r\n");

        AssertProblem(response, status, type, detail, name);
    }

    [Fact]
    public async Task Issue11Item7_HugeHeader_Is431ProblemDetails()
    {
        RawResponse response = await SendRawAsync("GET /api/connectors HTTP/1.1\r\nHost: localhost\r\nX-Big: " + new string('a', 40_000) + "\r\n\r\n");

        AssertProblem(response, 431, "urn:patchbay:problem:headers-too-large", "32768 bytes", "a 40 kB header");
    }

    [Fact]
    public async Task Issue11Item7_RefusalAfterAGoodRequestOnOneConnection_IsRewrittenAndTheGoodOneIsNot()
    {
        RawResponse response = await SendRawAsync(
            "GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n" +
            "GET /api/\0 HTTP/1.1\r\nHost: localhost\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response.Text, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"healthy\"", response.Text, StringComparison.Ordinal);
        int second = response.Text.IndexOf("HTTP/1.1 400 ", StringComparison.Ordinal);
        Assert.True(second > 0, response.Text);
        AssertProblem(new RawResponse(response.Text[second..]), 400, "urn:patchbay:problem:invalid-request", "NUL", "the second request");
    }

    [Fact]
    public async Task Issue11Item7_UnknownRoute_Is404WithAPatchbayTypeAndDetail()
    {
        JsonElement problem = await (await app.Client.GetAsync("/api/nothing-here")).ProblemAsync(404);

        Assert.Equal("urn:patchbay:problem:not-found", problem.GetProperty("type").GetString());
        Assert.Contains("GET /api/nothing-here", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("invocation_id").GetString()));
    }

    [Fact]
    public async Task Issue11Item7_WrongMethod_Is405WithAPatchbayTypeAndTheAllowedMethods()
    {
        HttpResponseMessage response = await app.Client.PutAsync("/api/connectors", Http.Json(new { }));

        JsonElement problem = await response.ProblemAsync(405);
        Assert.Equal("urn:patchbay:problem:method-not-allowed", problem.GetProperty("type").GetString());
        Assert.Equal("/api/connectors does not accept PUT; it accepts GET.", problem.GetProperty("detail").GetString());
        Assert.Equal(["GET"], response.Content.Headers.Allow);
    }

    private static void AssertProblem(RawResponse response, int status, string type, string detail, string name)
    {
        Assert.True(response.Text.StartsWith($"HTTP/1.1 {status} ", StringComparison.Ordinal), $"{name}: {response.Text}");
        Assert.Contains("\r\nContent-Type: application/problem+json\r\n", response.Text, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Patchbay-Invocation-Id: ", response.Text, StringComparison.Ordinal);
        using JsonDocument body = JsonDocument.Parse(response.Body);
        JsonElement problem = body.RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Equal(type, problem.GetProperty("type").GetString());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("invocation_id").GetString()));
        int declared = int.Parse(response.Header("Content-Length")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(declared, Encoding.UTF8.GetByteCount(response.Body));
    }

    // Raw bytes over TCP: HttpClient would refuse to send most of these. Reads until the server closes the connection.
    private async Task<RawResponse> SendRawAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(app.Client.BaseAddress!.Host, app.Client.BaseAddress.Port);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        using var received = new MemoryStream();
        await stream.CopyToAsync(received);
        return new RawResponse(Encoding.UTF8.GetString(received.ToArray()));
    }

    private sealed record RawResponse(string Text)
    {
        public string Body => Text[(Text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];

        public string? Header(string name) => Text[..Text.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Split("\r\n")
            .Where(line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)).Select(line => line[(name.Length + 1)..].Trim()).FirstOrDefault();
    }
}
