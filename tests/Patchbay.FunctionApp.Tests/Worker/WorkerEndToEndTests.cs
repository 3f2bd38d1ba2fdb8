using System.Net;
using System.Text;
using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Patchbay.Platform.Polling;
using Patchbay.Testing.Functions;

namespace Patchbay.FunctionApp.Tests.Worker;

/// <summary>
/// A representative request per route family, sent to the real isolated worker through the Functions host double
/// (gRPC, InvocationRequest, the request proxied to the worker's ASP.NET Core integration), against a real Azurite.
/// No function keys are sent: under Azure Functions the host checks them before the worker sees a request; the
/// double does not (its README says so), and the worker checks none of its own.
/// </summary>
[Collection(WorkerAppCollection.Name)]
public sealed class WorkerEndToEndTests(WorkerApp app)
{
    private static StringContent Json(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<JsonElement> OkJsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, not {(int)expected}: {text}\n{app.Host.Describe()}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private Dictionary<string, object> BearerCredentials() => new Dictionary<string, object>
    {
        ["auth_method"] = "bearer",
        ["token"] = WorkerApp.UpstreamToken,
        ["allowed_hosts"] = new[] { app.Upstream.BaseAddress.Host },
    };

    private async Task<string> CreateConnectionAsync(HttpClient client, string entityId)
    {
        JsonElement created = await OkJsonAsync(
            await client.PostAsync("api/connections", Json(new { connector = "http", entity_id = entityId, credentials = BearerCredentials() })),
            HttpStatusCode.Created);
        return created.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task Health_AndReadiness_AnswerThroughTheWorker_AndReadinessReachesAzurite()
    {
        using HttpClient client = app.Host.CreateClient();

        JsonElement health = await OkJsonAsync(await client.GetAsync("api/health"));
        JsonElement ready = await OkJsonAsync(await client.GetAsync("api/health/ready"));

        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Object, ready.ValueKind);
        Assert.Contains(app.Host.Invocations, i => i.FunctionName == "HealthReady" && i.Succeeded);
    }

    [Fact]
    public async Task Catalogue_ListsTheShippedConnectors_AndAConnectorsAuthForm()
    {
        using HttpClient client = app.Host.CreateClient();

        JsonElement connectors = await OkJsonAsync(await client.GetAsync("api/connectors"));
        JsonElement auth = await OkJsonAsync(await client.GetAsync("api/connectors/http/auth"));

        Assert.Contains(connectors.EnumerateArray(), c => c.GetProperty("id").GetString() == "http");
        Assert.Contains(connectors.EnumerateArray(), c => c.GetProperty("id").GetString() == "rss");
        Assert.Equal("http", auth.GetProperty("connector").GetString());
        Assert.Equal("custom", auth.GetProperty("type").GetString());
        JsonElement token = Assert.Single(auth.GetProperty("fields").EnumerateArray(), f => f.GetProperty("name").GetString() == "token");
        Assert.True(token.GetProperty("secret").GetBoolean());
    }

    [Fact]
    public async Task AnAction_WithRouteValues_RunsAgainstTheLoopbackUpstream_WithTheGivenCredentials()
    {
        using HttpClient client = app.Host.CreateClient();
        string word = "w" + Guid.NewGuid().ToString("N")[..8];

        HttpResponseMessage response = await client.PostAsync("api/connectors/http/actions/request", Json(new
        {
            inputs = new { url = new Uri(app.Upstream.BaseAddress, "echo/" + word).ToString(), query = new { page = 2 } },
            auth = BearerCredentials(),
        }));

        JsonElement result = await OkJsonAsync(response);
        JsonElement data = result.GetProperty("result").GetProperty("data");
        Assert.Equal(200, data.GetProperty("status").GetInt32());
        Assert.Equal(word, data.GetProperty("body").GetProperty("word").GetString());
        Assert.Equal("Bearer " + WorkerApp.UpstreamToken, data.GetProperty("body").GetProperty("authorization").GetString());
        Assert.Contains(app.Upstream.Requests, r => r.PathAndQuery == $"/echo/{word}?page=2");
        Assert.Contains(app.Host.Invocations, i => i.FunctionName == "ExecuteAction" && i.Succeeded);
    }

    [Fact]
    public async Task BadInputs_AreA400ProblemDetails_WithInputPaths_AndTheHostsInvocationId()
    {
        using HttpClient client = app.Host.CreateClient();

        HttpResponseMessage response = await client.PostAsync("api/connectors/http/actions/request",
            Json(new { inputs = new { url = 5, method = "FETCH" }, auth = new { auth_method = "none" } }));

        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}\n{app.Host.Describe()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.StartsWith("urn:patchbay:problem:", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        string[] paths = [.. problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()!)];
        Assert.Contains("/inputs/url", paths);
        Assert.Contains("/inputs/method", paths);

        // The invocation id is the one the host gave the invocation (x-ms-invocation-id), in the body and the header.
        string invocationId = problem.GetProperty("invocation_id").GetString()!;
        Assert.Equal(invocationId, Assert.Single(response.Headers.GetValues("X-Patchbay-Invocation-Id")));
        Assert.Contains(app.Host.Invocations, i => i.FunctionName == "ExecuteAction" && i.InvocationId == invocationId);
    }

    // The worker's log lines reach the host with the invocation they belong to (RpcLog.InvocationId), so the host (and
    // Application Insights) files them under it: the request lines, and what the action logs on the way.
    [Fact]
    public async Task TheWorkersLogLines_CarryTheirInvocationId()
    {
        using HttpClient client = app.Host.CreateClient();

        HttpResponseMessage response = await client.PostAsync("api/connectors/no-such-connector/actions/request",
            Json(new { inputs = new { url = "http://127.0.0.1:1/" }, auth = new { auth_method = "none" } }));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        string invocationId = Assert.Single(response.Headers.GetValues("X-Patchbay-Invocation-Id"));

        foreach (string line in new[] { "POST /api/connectors/no-such-connector/actions/request started", "POST /api/connectors/no-such-connector/actions/request answered 404" })
        {
            try
            {
                await app.Host.WaitForLogAsync(l => l.Category == "Patchbay.Requests" && l.Message == line && l.InvocationId == invocationId);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"no '{line}' line with invocation id {invocationId}; the lines that arrived:\n" +
                    string.Join("\n", app.Host.Logs.Where(l => l.Message.Contains("no-such-connector", StringComparison.Ordinal)).Select(l => $"[{l.InvocationId}] {l.Message}")));
            }
        }
    }

    [Fact]
    public async Task TheRequestLog_RecordsTheStatusTheWorkerAnswered_NotTheDefault200()
    {
        using HttpClient client = app.Host.CreateClient();
        string entity = "worker-" + Guid.NewGuid().ToString("N")[..12];

        HttpResponseMessage created = await client.PostAsync("api/connections", Json(new { connector = "http", entity_id = entity, credentials = BearerCredentials() }));
        string id = (await OkJsonAsync(created, HttpStatusCode.Created)).GetProperty("id").GetString()!;
        HttpResponseMessage deleted = await client.DeleteAsync($"api/connections/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        // The endpoint's IResult is written after the function returns; the line must carry its status, not the 200 the
        // response held before. (Every POST /api/connections of these tests that succeeds answers 201.)
        foreach (string line in new[] { "POST /api/connections answered 201", $"DELETE /api/connections/{id} answered 204" })
        {
            try
            {
                await app.Host.WaitForLogAsync(l => l.Category == "Patchbay.Requests" && l.Message == line);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"no '{line}' line; the request lines that arrived:\n" +
                    string.Join("\n", app.Host.Logs.Where(l => l.Message.Contains(" answered ", StringComparison.Ordinal))));
            }
        }
    }

    [Fact]
    public async Task AConnection_IsCreated_Read_AndDeleted_AndItsCredentialsAreNeverReturned()
    {
        using HttpClient client = app.Host.CreateClient();
        string entity = "worker-" + Guid.NewGuid().ToString("N")[..12];

        HttpResponseMessage createdResponse = await client.PostAsync("api/connections", Json(new { connector = "http", entity_id = entity, credentials = BearerCredentials() }));
        string createdText = await createdResponse.Content.ReadAsStringAsync();
        Assert.True(createdResponse.StatusCode == HttpStatusCode.Created, $"{(int)createdResponse.StatusCode}: {createdText}\n{app.Host.Describe()}");
        string id = JsonDocument.Parse(createdText).RootElement.GetProperty("id").GetString()!;

        HttpResponseMessage readResponse = await client.GetAsync($"api/connections/{id}");
        string readText = await readResponse.Content.ReadAsStringAsync();
        JsonElement read = await OkJsonAsync(readResponse);
        HttpResponseMessage deleted = await client.DeleteAsync($"api/connections/{id}");
        HttpResponseMessage gone = await client.GetAsync($"api/connections/{id}");

        Assert.Equal(id, read.GetProperty("id").GetString());
        Assert.Equal("http", read.GetProperty("connector").GetString());
        Assert.Equal(entity, read.GetProperty("entity_id").GetString());
        Assert.Equal("ACTIVE", read.GetProperty("status").GetString());
        Assert.DoesNotContain(WorkerApp.UpstreamToken, createdText, StringComparison.Ordinal);
        Assert.DoesNotContain(WorkerApp.UpstreamToken, readText, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ASubscription_IsPolledOnDemand_AndThePollingTickTimer_DeliversSignedRecordsToTheWebhook()
    {
        using HttpClient client = app.Host.CreateClient();
        string entity = "worker-" + Guid.NewGuid().ToString("N")[..12];
        string connectionId = await CreateConnectionAsync(client, entity);

        // One subscription polled through POST /api/subscriptions/{id}/poll ...
        (string onDemandHook, string onDemandUrl) = app.NewHook();
        (string onDemandId, string onDemandSecret) = await SubscribeAsync(client, connectionId, entity, app.NewFeed(1, 2), onDemandUrl);
        JsonElement poll = await OkJsonAsync(await client.PostAsync($"api/subscriptions/{onDemandId}/poll", content: null));

        Assert.Equal(onDemandId, poll.GetProperty("id").GetString());
        Assert.True(poll.GetProperty("polled").GetBoolean());
        Assert.Equal(2, poll.GetProperty("records_found").GetInt32());
        Assert.Equal(2, poll.GetProperty("delivered").GetInt32());
        AssertSignedDeliveries(onDemandHook, onDemandSecret, onDemandId, ["1", "2"]);

        // ... and one left to the PollingTick timer, which the double invokes as the host's scheduler would: the tick sends
        // the due subscriptions to the PollingQueue Storage queue, and the double's queue listener runs PollingBatch on them.
        (string tickHook, string tickUrl) = app.NewHook();
        (string tickId, string tickSecret) = await SubscribeAsync(client, connectionId, entity, app.NewFeed(7, 8, 9), tickUrl);

        (await app.Host.InvokeTimerAsync("PollingTick")).EnsureSucceeded();
        QueueMessageResult batch = await app.Host.WaitForQueueMessageAsync(m =>
            m.FunctionName == "PollingBatch" && m.Outcome == QueueMessageOutcome.Deleted && m.Text is { } text && text.Contains(tickId, StringComparison.Ordinal));
        Assert.True(PollBatch.TryParse(batch.Text, out PollBatch? message, out string? problem), problem);
        // The worker's logs arrive as RpcLog over the same stream (without invocation ids here); they name the tick and the message.
        WorkerLogEntry sent = await app.Host.WaitForLogAsync(l => l.Message.StartsWith($"Polling tick {message!.TickId} sent", StringComparison.Ordinal));
        WorkerLogEntry done = await app.Host.WaitForLogAsync(l => l.Message.StartsWith("Poll message " + batch.MessageId, StringComparison.Ordinal));

        Assert.Contains("to queue " + WorkerApp.PollingQueue, sent.Message, StringComparison.Ordinal);
        AssertSignedDeliveries(tickHook, tickSecret, tickId, ["7", "8", "9"]);
        Assert.Equal(2, app.Deliveries[onDemandHook].Count); // polled already: nothing new, nothing sent again
        JsonElement state = await OkJsonAsync(await client.GetAsync($"api/subscriptions/{tickId}"));
        Assert.Equal(0, state.GetProperty("pending_deliveries").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, state.GetProperty("last_poll_ts").ValueKind);
        Assert.Contains("delivered 3 records", done.Message, StringComparison.Ordinal);
    }

    private async Task<(string Id, string Secret)> SubscribeAsync(HttpClient client, string connectionId, string entity, string feedUrl, string hookUrl)
    {
        JsonElement created = await OkJsonAsync(await client.PostAsync("api/subscriptions", Json(new
        {
            connector = "http",
            trigger = "json_items",
            inputs = new { url = feedUrl },
            connection_id = connectionId,
            entity_id = entity,
            destination = new { type = "webhook", url = hookUrl },
            deliver_existing = true,
        })), HttpStatusCode.Created);
        return (created.GetProperty("id").GetString()!, created.GetProperty("signing_secret").GetString()!);
    }

    // The poll and the batch send their deliveries before they answer, so they are all here now; no waiting on the clock.
    private void AssertSignedDeliveries(string hook, string secret, string subscriptionId, string[] recordIds)
    {
        Delivery[] deliveries = [.. app.Deliveries[hook]];
        Assert.Equal(recordIds, deliveries.Select(d => d.RecordId).Order(StringComparer.Ordinal));
        Assert.All(deliveries, d =>
        {
            Assert.False(string.IsNullOrEmpty(d.EventId), "X-Patchbay-Event-Id is missing");
            Assert.False(string.IsNullOrEmpty(d.Timestamp), "X-Patchbay-Timestamp is missing");
            Assert.True(d.IsSignedWith(secret), $"X-Patchbay-Signature '{d.Signature}' does not verify");
            Assert.Equal(DeliveryFormat.EventId(subscriptionId, d.RecordId), d.EventId);
        });
    }

    [Fact]
    public async Task Mcp_ToolsListAndToolsCall_RunThroughTheWorker_WithTheMcpSdksClient()
    {
        using HttpClient client = app.Host.CreateClient();
        string entity = "worker-" + Guid.NewGuid().ToString("N")[..12];
        await CreateConnectionAsync(client, entity);
        string word = "m" + Guid.NewGuid().ToString("N")[..8];

        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(app.Host.BaseAddress, $"api/mcp?entity_id={entity}"),
            TransportMode = HttpTransportMode.StreamableHttp,
        });
        await using McpClient mcp = await McpClient.CreateAsync(transport);
        // Before the fix, tools/list failed here: the tools read entity_id through IHttpContextAccessor, which is empty
        // in the invocation's flow under the worker ("The MCP endpoint runs only over HTTP.").
        IList<McpClientTool> tools = await mcp.ListToolsAsync();
        CallToolResult call = await mcp.CallToolAsync("http_request",
            new Dictionary<string, object?> { ["url"] = new Uri(app.Upstream.BaseAddress, "echo/" + word).ToString() });

        Assert.Equal("patchbay", mcp.ServerInfo!.Name);
        Assert.Contains(tools, t => t.Name == "http_request");
        Assert.NotEqual(true, call.IsError);
        JsonElement data = call.StructuredContent!.Value;
        Assert.Equal(200, data.GetProperty("status").GetInt32());
        Assert.Equal("Bearer " + WorkerApp.UpstreamToken, data.GetProperty("body").GetProperty("authorization").GetString());
        Assert.Contains(app.Host.Invocations, i => i.FunctionName == "McpPost" && i.Succeeded);
    }
}
