using System.Net;
using System.Text.Json;
using Azure.Data.Tables;

namespace Patchbay.Platform.Tests;

[Collection(PatchbayAppCollection.Name)]
public class ConnectionsApiTests(PatchbayApp app)
{
    private const string Secret = "good-key-123";

    private async Task<JsonElement> CreateAsync(string entity, string key)
    {
        HttpResponseMessage response = await app.Client.PostAsync("/api/connections", Http.Json(new { connector = "upstream-test", entity_id = entity, credentials = new { api_key = key } }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(response.Headers.Location);
        return await response.ReadJsonAsync();
    }

    [Fact]
    public async Task CreateThenRunAnActionThroughTheConnection()
    {
        JsonElement connection = await CreateAsync("user-run", Secret);
        Assert.Equal("ACTIVE", connection.GetProperty("status").GetString());
        Assert.Equal("ada", connection.GetProperty("account").GetProperty("username").GetString());
        // The account's fields are snake_case like the rest of the API (and the SDK's connected-account result), as created and as read.
        JsonElement read = await (await app.Client.GetAsync($"/api/connections/{connection.GetProperty("id").GetString()}")).ReadJsonAsync();
        foreach (JsonElement account in new[] { connection.GetProperty("account"), read.GetProperty("account") })
        {
            Assert.Equal("42", account.GetProperty("user_id").GetString());
            Assert.Equal("Ada", account.GetProperty("first_name").GetString());
            Assert.False(account.TryGetProperty("userId", out _), account.GetRawText());
        }

        HttpResponseMessage response = await app.Client.PostAsync("/api/connectors/upstream-test/actions/get_thing",
            Http.Json(new { inputs = new { base_url = app.Upstream.BaseAddress.ToString(), path = "/things" }, connection_id = connection.GetProperty("id").GetString() }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement result = await response.ReadJsonAsync();
        Assert.Equal(200, result.GetProperty("result").GetProperty("data").GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task WrongKey_MakesAFailedConnectionWithTheReason_ThatCannotRunActions()
    {
        JsonElement connection = await CreateAsync("user-wrong", "wrong-key-999");

        Assert.Equal("FAILED", connection.GetProperty("status").GetString());
        Assert.Contains("HTTP 401", connection.GetProperty("status_reason").GetString(), StringComparison.Ordinal);

        HttpResponseMessage response = await app.Client.PostAsync("/api/connectors/upstream-test/actions/get_thing",
            Http.Json(new { inputs = new { base_url = "http://127.0.0.1:1", path = "/x" }, connection_id = connection.GetProperty("id").GetString() }));
        JsonElement problem = await response.ProblemAsync(409);
        Assert.Contains("FAILED", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadsAndListsNeverReturnSecrets_AndDeleteRemoves()
    {
        JsonElement created = await CreateAsync("user-list", Secret);
        string id = created.GetProperty("id").GetString()!;

        string single = await (await app.Client.GetAsync($"/api/connections/{id}")).Content.ReadAsStringAsync();
        string list = await (await app.Client.GetAsync("/api/connections?entity_id=user-list")).Content.ReadAsStringAsync();

        Assert.DoesNotContain(Secret, single, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, list, StringComparison.Ordinal);
        Assert.Equal(id, JsonDocument.Parse(list).RootElement.EnumerateArray().Single().GetProperty("id").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await app.Client.DeleteAsync($"/api/connections/{id}")).StatusCode);
        await (await app.Client.GetAsync($"/api/connections/{id}")).ProblemAsync(404);
        await (await app.Client.DeleteAsync($"/api/connections/{id}")).ProblemAsync(404);
    }

    [Fact]
    public async Task StoredCredentials_AreNotReadableInTheTable_AndNeverLogged()
    {
        const string Distinct = "distinctive-secret-4711";
        JsonElement created = await CreateAsync("user-table", Distinct);
        string id = created.GetProperty("id").GetString()!;

        var table = new TableClient(app.Azurite.ConnectionString, "connections");
        TableEntity entity = (await table.GetEntityAsync<TableEntity>(id, "connection")).Value;
        string everything = string.Join("|", entity.Select(p => $"{p.Key}={p.Value}"));

        Assert.DoesNotContain(Distinct, everything, StringComparison.Ordinal);
        Assert.Equal("k1", entity.GetString("KeyId"));
        Assert.DoesNotContain(app.Logs, line => line.Contains(Distinct, StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs, line => line.Contains(Secret, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"entity_id\":\"u\",\"credentials\":{\"api_key\":\"abcdefg\"}}", "/connector", 400)]
    [InlineData("{\"connector\":\"upstream-test\",\"entity_id\":\"\",\"credentials\":{\"api_key\":\"abcdefg\"}}", "/entity_id", 400)]
    [InlineData("{\"connector\":\"upstream-test\",\"entity_id\":\"u\"}", "/credentials", 400)]
    [InlineData("{\"connector\":\"upstream-test\",\"entity_id\":\"u\",\"credentials\":{\"api_key\":\"abc\"}}", "/credentials/api_key", 400)]
    [InlineData("{\"connector\":\"upstream-test\",\"entity_id\":\"u\",\"credentials\":{}}", "/credentials/api_key", 400)]
    public async Task BadCreateBodies_Are400WithThePath(string body, string path, int status)
    {
        JsonElement problem = await (await app.Client.PostAsync("/api/connections", Http.Raw(body))).ProblemAsync(status);
        Assert.Contains(path, problem.ErrorPaths());
    }

    [Fact]
    public async Task CreateForUnknownConnector_Is404()
    {
        await (await app.Client.PostAsync("/api/connections", Http.Json(new { connector = "nope", entity_id = "u", credentials = new { } }))).ProblemAsync(404);
    }

    [Fact]
    public async Task ListWithAnEmptyEntityId_Is400()
    {
        await (await app.Client.GetAsync("/api/connections?entity_id=")).ProblemAsync(400);
    }

    [Fact]
    public async Task ConnectedAccount_ThroughAConnection()
    {
        JsonElement created = await CreateAsync("user-account", Secret);
        HttpResponseMessage response = await app.Client.PostAsync("/api/connectors/upstream-test/connected-account", Http.Json(new { connection_id = created.GetProperty("id").GetString() }));

        JsonElement result = await response.ReadJsonAsync();
        Assert.Equal("connected_account", result.GetProperty("type").GetString());
        Assert.Equal("ada", result.GetProperty("result").GetProperty("username").GetString());
    }
}
