using System.Net;
using System.Text.Json;

namespace Patchbay.Client.Tests;

[Collection(ClientAppCollection.Name)]
public sealed class ConnectionsAndActionsTests(ClientApp app)
{
    private sealed record Echo(int Status, EchoBody Body);

    private sealed record EchoBody(string Method, string Authorization, string Body);

    [Fact]
    public async Task Initiate_WaitUntilActive_List_Execute_Delete()
    {
        PatchbayClient client = app.NewClient();
        string entity = "user-" + Guid.NewGuid().ToString("N");
        ConnectionRequest request = await client.InitiateConnectionAsync("http", app.BearerCredentials("secret-token-1"), entity);
        Assert.Equal(ConnectionStatuses.Active, request.Status);
        Assert.Null(request.RedirectUrl);

        PatchbayConnection connection = await request.WaitUntilActiveAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(request.Id, connection.Id);
        Assert.Equal("custom", connection.AuthType);
        Assert.Equal(entity, connection.EntityId);
        Assert.Equal(request.Id, Assert.Single(await client.ListConnectionsAsync(entity)).Id);

        PatchbayAction action = (await client.GetConnectorAsync("http")).Actions["request"];
        action.Inputs["method"] = "POST";
        action.Inputs["url"] = new Uri(app.Upstream.BaseAddress, "echo").ToString();
        action.Inputs["body"] = new { hello = "world" };
        ActionRunResult result = await client.ExecuteActionAsync(action, connection.Id);
        Assert.False(result.IsError);
        Assert.Equal(200, result.Data.GetProperty("status").GetInt32());
        Echo echo = result.GetData<Echo>();
        Assert.Equal("POST", echo.Body.Method);
        Assert.Equal("Bearer secret-token-1", echo.Body.Authorization);
        Assert.Contains("\"hello\":\"world\"", echo.Body.Body, StringComparison.Ordinal);

        await client.DeleteConnectionAsync(connection.Id);
        var gone = await Assert.ThrowsAsync<PatchbayException>(() => client.GetConnectionAsync(connection.Id));
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
    }

    [Fact]
    public async Task Execute_ThroughAConnectionObject_AndWithInlineAuth()
    {
        PatchbayClient client = app.NewClient();
        PatchbayConnection connection = (await client.InitiateConnectionAsync("http", app.BearerCredentials("token-2"), "user-2")).Connection;
        ActionRunResult viaConnection = await client.ExecuteActionAsync(connection, "request", new { url = new Uri(app.Upstream.BaseAddress, "echo").ToString() });
        Assert.Equal("Bearer token-2", viaConnection.Data.GetProperty("body").GetProperty("authorization").GetString());

        ActionRunResult inline = await client.ExecuteActionAsync("http", "request", new Dictionary<string, object> { ["url"] = new Uri(app.Upstream.BaseAddress, "items").ToString() },
            auth: new { auth_method = "none" });
        Assert.Equal(2, inline.Data.GetProperty("body").GetArrayLength());
    }

    [Fact]
    public async Task BadCredentials_AreA400WithTheFieldPath()
    {
        var error = await Assert.ThrowsAsync<PatchbayException>(() => app.NewClient().InitiateConnectionAsync("http", new { auth_method = "bearer" }, "user-x"));
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Equal("urn:patchbay:problem:validation-failed", error.ProblemType);
        Assert.Contains(error.Errors, e => e.Path.StartsWith("/credentials", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadInputs_AreA400WithTheInputPath()
    {
        var error = await Assert.ThrowsAsync<PatchbayException>(() =>
            app.NewClient().ExecuteActionAsync("http", "request", new { url = "https://example.com", method = "FETCH" }, auth: new { auth_method = "none" }));
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Contains(error.Errors, e => e.Path == "/inputs/method");
    }

    [Fact]
    public async Task Poll_AnswersTheRecords()
    {
        PollResult result = await app.NewClient().PollAsync("http", "json_items", new { url = new Uri(app.Upstream.BaseAddress, "items").ToString() }, auth: new { auth_method = "none" });
        Assert.Equal(["1", "2"], result.Records.Select(r => r.Id));
        Assert.Equal("a", result.Records[0].Data.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Tools_InEachFormat()
    {
        PatchbayClient client = app.NewClient();
        JsonElement openAi = Assert.Single(await client.GetToolsAsync(Patchbay.Sdk.ToolFormat.OpenAI, ["http"]));
        Assert.Equal("http_request", openAi.GetProperty("function").GetProperty("name").GetString());
        JsonElement anthropic = Assert.Single(await client.GetToolsAsync(Patchbay.Sdk.ToolFormat.Anthropic, ["http"]));
        Assert.Equal(JsonValueKind.Object, anthropic.GetProperty("input_schema").ValueKind);
        IReadOnlyList<JsonElement> readOnly = await client.GetToolsAsync(Patchbay.Sdk.ToolFormat.Mcp, ["github"], ["read"]);
        Assert.NotEmpty(readOnly);
        Assert.DoesNotContain(readOnly, t => t.GetProperty("name").GetString() == "github_create_issue");
    }

    [Fact]
    public async Task Subscriptions_CreateGetListEventsDelete()
    {
        PatchbayClient client = app.NewClient();
        string entity = "subs-" + Guid.NewGuid().ToString("N");
        PatchbayConnection connection = (await client.InitiateConnectionAsync("http", app.BearerCredentials("sub-token"), entity)).Connection;
        CreatedSubscription created = await client.CreateSubscriptionAsync(new SubscriptionRequest
        {
            Connector = "http",
            Trigger = "json_items",
            Inputs = new { url = new Uri(app.Upstream.BaseAddress, "items").ToString() },
            EntityId = entity,
            ConnectionId = connection.Id,
            Destination = SubscriptionDestination.Webhook(new Uri(app.Upstream.BaseAddress, "hook")),
        });
        Assert.False(string.IsNullOrEmpty(created.SigningSecret));
        Assert.Equal("ACTIVE", created.Status);
        Assert.Equal(created.Id, (await client.GetSubscriptionAsync(created.Id)).Id);
        Assert.Equal(created.Id, Assert.Single(await client.ListSubscriptionsAsync(entity)).Id);
        Assert.Empty(await client.GetSubscriptionEventsAsync(created.Id));

        // Poll now: the first poll is the baseline (deliver_existing was not asked for), through the tick's own path.
        SubscriptionPollResult polled = await client.PollSubscriptionAsync(created.Id);
        Assert.True(polled.Polled);
        Assert.True(polled.Baseline);
        Assert.Equal(2, polled.RecordsFound);
        Assert.Equal(0, polled.Delivered);
        await client.DeleteSubscriptionAsync(created.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<PatchbayException>(() => client.GetSubscriptionAsync(created.Id))).Status);
    }

    [Fact]
    public async Task Reconnect_OfAConnectionThatIsNotOAuth_IsAConflictSayingWhy()
    {
        PatchbayClient client = app.NewClient();
        PatchbayConnection connection = (await client.InitiateConnectionAsync("http", app.BearerCredentials("t"), "user-reconnect")).Connection;
        var error = await Assert.ThrowsAsync<PatchbayException>(() => client.ReconnectAsync(connection.Id));
        Assert.True(error.Status is HttpStatusCode.Conflict or HttpStatusCode.BadRequest, $"status {error.Status}: {error.Message}");
        Assert.False(string.IsNullOrEmpty(error.Detail));
    }
}
