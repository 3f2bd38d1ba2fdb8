using System.Net;
using System.Text.Json;

namespace Patchbay.Platform.Tests;

/// <summary>
/// Issue 11 item 15 (parts): messages without doubled full stops, the scheduler logging the six-field schedule the docs show,
/// and <c>POST /api/connections/{id}/check</c> for a connection that failed its account check (e.g. created without network).
/// </summary>
[Collection(PatchbayAppCollection.Name)]
public class Issue11FirstRunTests(PatchbayApp app)
{
    private const string GoodKey = "good-key-123";

    [Fact]
    public async Task Item15_ConnectionCreatedWhileTheServiceIsUnreachable_IsFailedWithAHint_AndCheckMakesItActive()
    {
        string id;
        app.Counters["me-down"] = 1;
        try
        {
            JsonElement created = await CreateAsync("user-offline", GoodKey);
            id = created.GetProperty("id").GetString()!;
            string reason = created.GetProperty("status_reason").GetString()!;

            Assert.Equal("FAILED", created.GetProperty("status").GetString());
            Assert.Contains($"POST /api/connections/{id}/check", reason, StringComparison.Ordinal);
            Assert.Contains("create a new connection", reason, StringComparison.Ordinal);

            // Still down: the check answers the connection, FAILED again with the reason.
            HttpResponseMessage again = await app.Client.PostAsync($"/api/connections/{id}/check", null);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal("FAILED", (await again.ReadJsonAsync()).GetProperty("status").GetString());
        }
        finally
        {
            app.Counters["me-down"] = 0;
        }

        HttpResponseMessage checkedResponse = await app.Client.PostAsync($"/api/connections/{id}/check", null);
        Assert.Equal(HttpStatusCode.OK, checkedResponse.StatusCode);
        JsonElement active = await checkedResponse.ReadJsonAsync();
        Assert.Equal("ACTIVE", active.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, active.GetProperty("status_reason").ValueKind);
        Assert.Equal("ada", active.GetProperty("account").GetProperty("username").GetString());

        JsonElement stored = await (await app.Client.GetAsync($"/api/connections/{id}")).ReadJsonAsync();
        Assert.Equal("ACTIVE", stored.GetProperty("status").GetString());
        HttpResponseMessage action = await app.Client.PostAsync("/api/connectors/upstream-test/actions/get_thing",
            Http.Json(new { inputs = new { base_url = app.Upstream.BaseAddress.ToString(), path = "/things" }, connection_id = id }));
        Assert.Equal(HttpStatusCode.OK, action.StatusCode);
    }

    [Fact]
    public async Task Item15_CheckOfAWrongKey_StaysFailed_AndAConnectionWithoutAnAccountCheckIsActive()
    {
        JsonElement wrong = await CreateAsync("user-recheck", "wrong-key-999");
        JsonElement rechecked = await (await app.Client.PostAsync($"/api/connections/{wrong.GetProperty("id").GetString()}/check", null)).ReadJsonAsync();

        Assert.Equal("FAILED", rechecked.GetProperty("status").GetString());
        Assert.Contains("HTTP 401", rechecked.GetProperty("status_reason").GetString(), StringComparison.Ordinal);

        HttpResponseMessage http = await app.Client.PostAsync("/api/connections", Http.Json(new { connector = "http", entity_id = "user-recheck", credentials = new { auth_method = "none" } }));
        string httpId = (await http.ReadJsonAsync()).GetProperty("id").GetString()!;
        JsonElement httpChecked = await (await app.Client.PostAsync($"/api/connections/{httpId}/check", null)).ReadJsonAsync();
        Assert.Equal("ACTIVE", httpChecked.GetProperty("status").GetString());

        await (await app.Client.PostAsync("/api/connections/con_0123456789abcdef0123456789abcdef/check", null)).ProblemAsync(404);
    }

    [Fact]
    public async Task Item15_ProblemDetailsForAFailedConnection_HaveNoDoubledFullStops()
    {
        string id;
        app.Counters["me-down"] = 1;
        try
        {
            id = (await CreateAsync("user-periods", GoodKey)).GetProperty("id").GetString()!;
        }
        finally
        {
            app.Counters["me-down"] = 0;
        }

        JsonElement action = await (await app.Client.PostAsync("/api/connectors/upstream-test/actions/get_thing",
            Http.Json(new { inputs = new { base_url = app.Upstream.BaseAddress.ToString(), path = "/things" }, connection_id = id }))).ProblemAsync(409);
        JsonElement subscription = await (await app.Client.PostAsync("/api/subscriptions", Http.Json(new
        {
            connector = "upstream-test", trigger = "items", inputs = new { base_url = app.Upstream.BaseAddress.ToString() }, entity_id = "user-periods", connection_id = id,
            destination = new { type = "queue", name = "q-periods" },
        }))).ProblemAsync(409);
        JsonElement stored = await (await app.Client.GetAsync($"/api/connections/{id}")).ReadJsonAsync();

        foreach (string text in new[] { action.GetProperty("detail").GetString()!, subscription.GetProperty("detail").GetString()!, stored.GetProperty("status_reason").GetString()! })
        {
            Assert.Contains("attempts)", text, StringComparison.Ordinal);
            Assert.DoesNotContain("..", text, StringComparison.Ordinal);
            Assert.DoesNotContain(". .", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Item15_TheSchedulerLogsTheSixFieldScheduleTheDocsShow()
    {
        // PatchbayApp sets PollingSchedule to "0 0 0 1 1 *" (second minute hour day month weekday).
        Assert.Contains(app.Logs, line => line.Contains("Polling on the schedule 0 0 0 1 1 * (UTC", StringComparison.Ordinal));
    }

    private async Task<JsonElement> CreateAsync(string entity, string key)
    {
        HttpResponseMessage response = await app.Client.PostAsync("/api/connections", Http.Json(new { connector = "upstream-test", entity_id = entity, credentials = new { api_key = key } }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }
}
