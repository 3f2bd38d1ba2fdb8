using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Patchbay.Connectors.Testing;
using Patchbay.Platform.Actions;
using Patchbay.Platform.Catalog;
using Patchbay.Platform.Connections;
using Patchbay.Platform.Subscriptions;
using Patchbay.Sdk;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Platform.Tests;

/// <summary>Issue 11 items 2, 3, 4 and 14: bad input is a 400 (or a 404 for an id that cannot exist), never a 500 or a half-written row.</summary>
[Collection(PatchbayAppCollection.Name)]
public class Issue11InputTests(PatchbayApp app)
{
    private const string HttpAction = "/api/connectors/http/actions/request";
    private const string Lone = "\\ud800";

    // ---- Item 2: a lone surrogate anywhere in the body is a 400 with its path ----

    [Theory]
    [InlineData(HttpAction, "{\"inputs\":{\"url\":\"http://127.0.0.1:9/" + Lone + "\"},\"auth\":{\"auth_method\":\"none\"}}", "/inputs/url")]
    [InlineData(HttpAction, "{\"inputs\":{\"url\":\"http://127.0.0.1:9/\",\"headers\":{\"X-Test\":\"" + Lone + "\"}},\"auth\":{\"auth_method\":\"none\"}}", "/inputs/headers/X-Test")]
    [InlineData(HttpAction, "{\"inputs\":{\"url\":\"http://127.0.0.1:9/\",\"method\":\"POST\",\"body\":{\"text\":\"a" + Lone + "b\"}},\"auth\":{\"auth_method\":\"none\"}}", "/inputs/body/text")]
    [InlineData(HttpAction, "{\"inputs\":{\"url\":\"http://127.0.0.1:9/\",\"headers\":{\"" + Lone + "\":\"v\"}},\"auth\":{\"auth_method\":\"none\"}}", "/inputs/headers")]
    [InlineData(HttpAction, "{\"inputs\":{\"url\":\"http://127.0.0.1:9/\",\"headers\":{\"a/b~c\":\"" + Lone + "\"}},\"auth\":{\"auth_method\":\"none\"}}", "/inputs/headers/a~1b~0c")]
    [InlineData(HttpAction, "{\"inputs\":{\"url\":\"http://127.0.0.1:9/\",\"body\":[\"ok\",\"" + Lone + "\"]},\"auth\":{\"auth_method\":\"none\"}}", "/inputs/body/1")]
    [InlineData(HttpAction, "{\"inputs\":{\"url\":\"http://127.0.0.1:9/\"},\"auth\":{\"auth_method\":\"bearer\",\"token\":\"" + Lone + "\"}}", "/auth/token")]
    [InlineData(HttpAction, "{\"inputs\":{\"url\":\"http://127.0.0.1:9/\"},\"connection_id\":\"" + Lone + "\"}", "/connection_id")]
    [InlineData(HttpAction, "{\"" + Lone + "\":1}", "")]
    [InlineData("/api/connectors/http/triggers/json_items/poll", "{\"inputs\":{\"url\":\"http://127.0.0.1:9/\",\"query\":{\"q\":\"" + Lone + "\"}},\"auth\":{\"auth_method\":\"none\"}}", "/inputs/query/q")]
    [InlineData("/api/connectors/http/connected-account", "{\"connection_id\":\"" + Lone + "\"}", "/connection_id")]
    [InlineData("/api/connections", "{\"connector\":\"http\",\"entity_id\":\"" + Lone + "\",\"credentials\":{\"auth_method\":\"none\"}}", "/entity_id")]
    [InlineData("/api/connections", "{\"connector\":\"http\",\"entity_id\":\"u\",\"credentials\":{\"auth_method\":\"bearer\",\"token\":\"x" + Lone + "\"}}", "/credentials/token")]
    [InlineData("/api/connections", "{\"connector\":\"" + Lone + "\",\"entity_id\":\"u\",\"credentials\":{}}", "/connector")]
    [InlineData("/api/subscriptions", "{\"connector\":\"rss\",\"trigger\":\"new_items\",\"inputs\":{\"url\":\"http://127.0.0.1:9/f\"},\"entity_id\":\"u\",\"destination\":{\"type\":\"webhook\",\"url\":\"http://127.0.0.1:9/" + Lone + "\"}}", "/destination/url")]
    [InlineData("/api/subscriptions", "{\"connector\":\"rss\",\"trigger\":\"new_items\",\"inputs\":{\"url\":\"http://127.0.0.1:9/f\"},\"entity_id\":\"u\",\"connection_id\":\"" + Lone + "\",\"destination\":{\"type\":\"queue\",\"name\":\"q1\"}}", "/connection_id")]
    public async Task Item2_LoneSurrogateAnywhereInTheBody_Is400WithItsPath(string route, string body, string path)
    {
        JsonElement problem = await (await app.Client.PostAsync(route, Http.Raw(body))).ProblemAsync(400);

        Assert.Contains(path, problem.ErrorPaths());
        Assert.Contains("Unicode", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Item2_TheSdkRefusesLoneSurrogatesInInputsAndCredentials_WithThePath()
    {
        Connector http = app.Services.GetRequiredService<ConnectorCatalog>().All.Single(c => c.Id == "http");
        ConnectorContext context = app.Services.GetRequiredService<ActionInvoker>().CreateContext(http, ConnectorAuth.None);
        using JsonDocument inputs = JsonDocument.Parse("{\"url\":\"http://127.0.0.1:9/\",\"headers\":{\"X-A\":\"" + Lone + "\"}}");

        ValidationError action = await Assert.ThrowsAsync<ValidationError>(() => http.ExecuteActionAsync("request", inputs.RootElement, context));
        ValidationError poll = await Assert.ThrowsAsync<ValidationError>(() => http.ExecutePollingTriggerAsync("json_items", inputs.RootElement, null, context));
        using JsonDocument credentials = JsonDocument.Parse("{\"auth_method\":\"bearer\",\"token\":\"" + Lone + "\"}");
        ValidationError auth = Assert.Throws<ValidationError>(() => http.ValidateAuth(http.ReadAuth(credentials.RootElement)));

        Assert.Equal(ValidationTarget.Inputs, action.Target);
        Assert.Equal("/headers/X-A", Assert.Single(action.Errors).Path);
        Assert.Equal("/headers/X-A", Assert.Single(poll.Errors).Path);
        Assert.Equal(ValidationTarget.Auth, auth.Target);
        Assert.Equal("/token", Assert.Single(auth.Errors).Path);
    }

    public static TheoryData<string> FetchParts() => ["url", "query", "header", "form"];

    [Theory]
    [MemberData(nameof(FetchParts))]
    public async Task Item2_FetchAsyncWithALoneSurrogate_ThrowsArgumentExceptionNamingThePart_AndSendsNothing(string part)
    {
        string lone = "a\ud800b";
        var context = new ConnectorContext(app.Services.GetRequiredService<FetchClient>());
        string url = app.Upstream.BaseAddress + "things-" + part;
        int before = app.Upstream.Requests.Count(r => r.PathAndQuery.StartsWith("/things-" + part, StringComparison.Ordinal));

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => part switch
        {
            "url" => context.FetchAsync(url + "/" + lone),
            "query" => context.FetchAsync(url, query: new Dictionary<string, object?> { ["q"] = lone }),
            "header" => context.FetchAsync(url, headers: new Dictionary<string, string> { ["X-Test"] = lone }),
            _ => context.FetchAsync(url, HttpMethod.Post, form: new Dictionary<string, string> { ["text"] = lone }),
        });

        Assert.Contains(part, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("surrogate", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, app.Upstream.Requests.Count(r => r.PathAndQuery.StartsWith("/things-" + part, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Item2_FetchAsyncWithALoneSurrogateInAJsonBody_SendsTheReplacementCharacter_AsSystemTextJsonWritesIt()
    {
        var context = new ConnectorContext(app.Services.GetRequiredService<FetchClient>());
        string url = app.Upstream.BaseAddress + "things-json-escape";

        await Assert.ThrowsAsync<HttpError>(() => context.FetchAsync(url, HttpMethod.Post, json: new { text = "a\ud800b" }));

        RecordedRequest sent = Assert.Single(app.Upstream.Requests, r => r.PathAndQuery == "/things-json-escape");
        Assert.Contains("a\\uFFFDb", sent.Body, StringComparison.OrdinalIgnoreCase);
    }

    // ---- Item 3: every stored field is bounded; a 400 names the field and the limit, and nothing is left half-written ----

    [Fact]
    public async Task Item3_OversizeEntityId_Is400NamingTheFieldAndTheLimit_Everywhere()
    {
        string huge = new('e', 40_000);
        JsonElement create = await (await app.Client.PostAsync("/api/connections",
            Http.Json(new { connector = "http", entity_id = huge, credentials = new { auth_method = "none" } }))).ProblemAsync(400);
        JsonElement subscribe = await (await app.Client.PostAsync("/api/subscriptions", Http.Json(new
        {
            connector = "rss", trigger = "new_items", inputs = new { url = "http://127.0.0.1:9/f" }, entity_id = huge, destination = new { type = "queue", name = "q-oversize" },
        }))).ProblemAsync(400);
        JsonElement list = await (await app.Client.GetAsync("/api/connections?entity_id=" + new string('e', 300))).ProblemAsync(400);
        JsonElement listSubscriptions = await (await app.Client.GetAsync("/api/subscriptions?entity_id=" + new string('e', 300))).ProblemAsync(400);

        foreach (JsonElement problem in new[] { create, subscribe, list, listSubscriptions })
        {
            Assert.Contains("/entity_id", problem.ErrorPaths());
            Assert.Contains("256", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("token")]
    [InlineData("allowed_hosts")]
    public async Task Item3_OversizeCredentials_Are400NamingTheLimit_AndStoreNothing(string field)
    {
        string entity = "user-big-" + field;
        object credentials = field == "token"
            ? new { auth_method = "bearer", token = new string('t', 900_000) }
            : new { auth_method = "none", allowed_hosts = Enumerable.Range(0, 30_000).Select(i => $"h{i}.example.com").ToArray() };
        HttpResponseMessage response = await app.Client.PostAsync("/api/connections", Http.Json(new { connector = "http", entity_id = entity, credentials }));

        JsonElement problem = await response.ProblemAsync(400);
        Assert.Contains("/credentials", problem.ErrorPaths());
        Assert.Contains("16384", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        HttpResponseMessage list = await app.Client.GetAsync($"/api/connections?entity_id={entity}");
        Assert.Empty((await list.ReadJsonAsync()).EnumerateArray());
    }

    [Fact]
    public async Task Item3_CredentialsJustOverTheLimit_Are400_AndJustUnderAreStored()
    {
        string entity = "user-credential-limit";
        HttpResponseMessage over = await app.Client.PostAsync("/api/connections", Http.Json(new
        {
            connector = "http", entity_id = entity, credentials = new { auth_method = "bearer", token = new string('t', 17_000) },
        }));
        HttpResponseMessage under = await app.Client.PostAsync("/api/connections", Http.Json(new
        {
            connector = "http", entity_id = entity, credentials = new { auth_method = "bearer", token = new string('t', 16_000) },
        }));

        JsonElement problem = await over.ProblemAsync(400);
        Assert.Contains("/credentials", problem.ErrorPaths());
        Assert.Equal(HttpStatusCode.Created, under.StatusCode);
    }

    [Fact]
    public async Task Item3_OversizeWebhookUrl_Is400NamingTheLimit_AndLeavesNoDueIndexRow()
    {
        var due = new TableClient(app.Azurite.ConnectionString, SubscriptionStore.DueTableName);
        await due.CreateIfNotExistsAsync();
        int before = await CountAsync(due);

        HttpResponseMessage response = await app.Client.PostAsync("/api/subscriptions", Http.Json(new
        {
            connector = "rss", trigger = "new_items", inputs = new { url = "http://127.0.0.1:9/f" }, entity_id = "user-long-url",
            destination = new { type = "webhook", url = "http://127.0.0.1:9/" + new string('u', 100_000) },
        }));

        JsonElement problem = await response.ProblemAsync(400);
        Assert.Contains("/destination/url", problem.ErrorPaths());
        Assert.Contains("2048", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync(due));
    }

    [Fact]
    public async Task Item3_StoreRefusesAnOversizeRowBeforeWriting_SoNoDueIndexRowIsLeft()
    {
        var due = new TableClient(app.Azurite.ConnectionString, SubscriptionStore.DueTableName);
        await due.CreateIfNotExistsAsync();
        int before = await CountAsync(due);
        SubscriptionStore store = app.Services.GetRequiredService<SubscriptionStore>();
        var destination = new SubscriptionDestination { Type = SubscriptionDestination.Webhook, Url = "http://127.0.0.1:9/" + new string('u', 40_000) };

        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync(new NewSubscription("rss", "new_items", "{}", null, "user-store", destination, false), default));

        Assert.Equal(before, await CountAsync(due));
    }

    // ---- Item 4: ids that cannot exist are 404s before any storage call ----

    [Theory]
    [InlineData("a/b")]
    [InlineData("con_0123")]
    [InlineData("CON_0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("con_0123456789abcdef0123456789abcdef'")]
    [InlineData("x'or'1'eq'1")]
    public async Task Item4_MalformedConnectionIdInABody_Is404_WithoutAStorageCall(string id)
    {
        var calls = new[]
        {
            app.Client.PostAsync(HttpAction, Http.Json(new { inputs = new { url = "http://127.0.0.1:9/" }, connection_id = id })),
            app.Client.PostAsync("/api/connectors/http/connected-account", Http.Json(new { connection_id = id })),
            app.Client.PostAsync("/api/connectors/http/triggers/json_items/poll", Http.Json(new { inputs = new { url = "http://127.0.0.1:9/" }, connection_id = id })),
            app.Client.PostAsync("/api/subscriptions", Http.Json(new
            {
                connector = "http", trigger = "json_items", inputs = new { url = "http://127.0.0.1:9/" }, entity_id = "u", connection_id = id,
                destination = new { type = "queue", name = "q-ids" },
            })),
        };

        foreach (Task<HttpResponseMessage> call in calls)
        {
            JsonElement problem = await (await call).ProblemAsync(404);
            Assert.Contains("con_", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("a%2Fb")]
    [InlineData("con_0123")]
    [InlineData("sub_0123")]
    [InlineData("%27")]
    public async Task Item4_MalformedIdsInRoutes_Are404(string id)
    {
        await (await app.Client.GetAsync($"/api/connections/{id}")).ProblemAsync(404);
        await (await app.Client.DeleteAsync($"/api/connections/{id}")).ProblemAsync(404);
        await (await app.Client.PostAsync($"/api/connections/{id}/check", null)).ProblemAsync(404);
        await (await app.Client.GetAsync($"/api/subscriptions/{id}")).ProblemAsync(404);
        await (await app.Client.DeleteAsync($"/api/subscriptions/{id}")).ProblemAsync(404);
        await (await app.Client.GetAsync($"/api/subscriptions/{id}/events")).ProblemAsync(404);
        await (await app.Client.PostAsync($"/api/subscriptions/{id}/resume", null)).ProblemAsync(404);
    }

    [Fact]
    public async Task Item4_StoresAnswerMalformedIdsAsAbsent_WithoutTouchingStorage()
    {
        // A store whose storage cannot be reached: any storage call would throw, so answering proves none was made.
        var unreachable = new Patchbay.Platform.Storage.StorageClients(
            new TableServiceClient(new Uri("http://127.0.0.1:9/devstoreaccount1"), new TableSharedKeyCredential("devstoreaccount1", Convert.ToBase64String(new byte[32]))),
            new Azure.Storage.Queues.QueueServiceClient(new Uri("http://127.0.0.1:9/devstoreaccount1")));
        var connections = new ConnectionStore(unreachable, app.Services.GetRequiredService<CredentialProtector>(), TimeProvider.System);
        var subscriptions = new SubscriptionStore(unreachable, app.Services.GetRequiredService<CredentialProtector>(), TimeProvider.System);

        Assert.Null(await connections.GetIfExistsAsync("a/b", default));
        Assert.Null(await connections.GetWithCredentialsAsync(new string('c', 40_000), default));
        Assert.False(await connections.DeleteAsync("con_x", default));
        Assert.Null(await subscriptions.GetIfExistsAsync("a/b", default));
        Assert.False(await subscriptions.DeleteAsync("sub_'", default));
        Assert.Null(await subscriptions.ResumeAsync("sub_", default));
    }

    // ---- Item 14: auth_type is spelled as the manifest spells it, on connections as in the catalogue ----

    [Fact]
    public async Task Item14_ConnectionAuthType_IsTheManifestsSpelling_AsInTheCatalogue()
    {
        JsonElement catalogue = await (await app.Client.GetAsync("/api/connectors")).ReadJsonAsync();
        string catalogueType = catalogue.EnumerateArray().Single(c => c.GetProperty("id").GetString() == "http").GetProperty("auth_type").GetString()!;
        JsonElement manifest = await (await app.Client.GetAsync("/api/connectors/http")).ReadJsonAsync();

        HttpResponseMessage created = await app.Client.PostAsync("/api/connections",
            Http.Json(new { connector = "http", entity_id = "user-auth-type", credentials = new { auth_method = "none" } }));
        JsonElement connection = await created.ReadJsonAsync();
        JsonElement read = await (await app.Client.GetAsync($"/api/connections/{connection.GetProperty("id").GetString()}")).ReadJsonAsync();

        Assert.Equal("custom", catalogueType);
        Assert.Equal(catalogueType, manifest.GetProperty("auth").GetProperty("type").GetString());
        Assert.Equal(catalogueType, connection.GetProperty("auth_type").GetString());
        Assert.Equal(catalogueType, read.GetProperty("auth_type").GetString());
    }

    [Theory]
    [InlineData("Custom", "custom")]
    [InlineData("ApiKey", "custom")]
    [InlineData("Basic", "custom")]
    [InlineData("PlatformOauth2", "platform")]
    public async Task Item14_RowsWrittenWithTheEnvelopeSpelling_ReadBackInTheManifestSpelling(string stored, string shown)
    {
        ConnectionStore store = app.Services.GetRequiredService<ConnectionStore>();
        Connection connection = await store.CreateAsync(new NewConnection(ConnectionStore.NewId(), "http", stored, "user-legacy", ConnectorAuth.None, ConnectionStatus.Active, null, null), default);

        Assert.Equal(shown, (await store.GetIfExistsAsync(connection.Id, default))!.AuthType);
    }

    private static async Task<int> CountAsync(TableClient table)
    {
        int count = 0;
        await foreach (TableEntity _ in table.QueryAsync<TableEntity>(select: ["RowKey"])) count++;
        return count;
    }
}
