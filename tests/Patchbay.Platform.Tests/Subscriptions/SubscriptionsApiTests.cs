using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Patchbay.Platform.Hosting;
using Patchbay.Platform.Storage;
using Patchbay.Platform.Subscriptions;

namespace Patchbay.Platform.Tests.Subscriptions;

[Collection(PollingAppCollection.Name)]
public class SubscriptionsApiTests(PollingApp app) : IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<object> ValidBodyAsync(Feed feed, object? destination = null) => new
    {
        connector = "upstream-test",
        trigger = "items",
        inputs = new { base_url = feed.BaseUrl },
        connection_id = await app.CreateConnectionAsync(),
        entity_id = "user-1",
        destination = destination ?? new { type = "webhook", url = app.NewHook().Url },
    };

    [Fact]
    public async Task Create_Answers201WithTheSecretOnce_AndGetNeverShowsIt()
    {
        Feed feed = app.NewFeed();
        HttpResponseMessage response = await app.Client.PostAsync("/api/subscriptions", Http.Json(await ValidBodyAsync(feed)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        JsonElement created = await response.ReadJsonAsync();
        string id = created.GetProperty("id").GetString()!;
        string secret = created.GetProperty("signing_secret").GetString()!;
        Assert.Equal($"/api/subscriptions/{id}", response.Headers.Location?.ToString());
        Assert.Equal(32, Convert.FromBase64String(secret.Replace('-', '+').Replace('_', '/') + "=").Length);
        Assert.Equal("ACTIVE", created.GetProperty("status").GetString());
        Assert.Equal(feed.BaseUrl, created.GetProperty("inputs").GetProperty("base_url").GetString());
        Assert.Equal("webhook", created.GetProperty("destination").GetProperty("type").GetString());

        string got = await (await app.Client.GetAsync($"/api/subscriptions/{id}")).Content.ReadAsStringAsync();
        string listed = await (await app.Client.GetAsync("/api/subscriptions?entity_id=user-1")).Content.ReadAsStringAsync();
        Assert.Contains(id, got, StringComparison.Ordinal);
        Assert.Contains(id, listed, StringComparison.Ordinal);
        foreach (string text in new[] { got, listed })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("signing_secret", text, StringComparison.Ordinal);
        }

        // At rest the secret is encrypted.
        TableEntity row = await app.Services.GetRequiredService<StorageClients>().Tables.GetTableClient(SubscriptionStore.TableName)
            .GetEntityAsync<TableEntity>(id, SubscriptionState.RowKeyOf(id));
        Assert.DoesNotContain(row, pair => pair.Value is string s && s.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_ByEntityId_ListsOnlyThatEntity()
    {
        Feed feed = app.NewFeed();
        string mine = await app.SubscribeAsync(feed, app.NewHook(), entityId: "alice");
        await app.SubscribeAsync(feed, app.NewHook(), entityId: "bob");

        JsonElement list = await (await app.Client.GetAsync("/api/subscriptions?entity_id=alice")).ReadJsonAsync();

        Assert.Equal([mine], list.EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        await (await app.Client.GetAsync("/api/subscriptions?entity_id=")).ProblemAsync(400);
    }

    [Theory]
    [InlineData("nope", "items")]
    [InlineData("upstream-test", "nope")]
    public async Task UnknownConnectorOrTrigger_Is404(string connector, string trigger)
    {
        HttpResponseMessage response = await app.Client.PostAsync("/api/subscriptions", Http.Json(new
        {
            connector,
            trigger,
            inputs = new { base_url = "http://127.0.0.1:1" },
            entity_id = "user-1",
            destination = new { type = "queue", name = "deliveries" },
        }));

        await response.ProblemAsync(404);
    }

    [Fact]
    public async Task InvalidInputs_Are400WithTheirPaths()
    {
        HttpResponseMessage response = await app.Client.PostAsync("/api/subscriptions", Http.Json(new
        {
            connector = "upstream-test",
            trigger = "items",
            inputs = new { base_url = 5 },
            connection_id = await app.CreateConnectionAsync(),
            entity_id = "user-1",
            destination = new { type = "queue", name = "deliveries" },
        }));

        JsonElement problem = await response.ProblemAsync(400);
        Assert.Equal(["/inputs/base_url"], problem.ErrorPaths());
    }

    [Fact]
    public async Task MissingConnectionId_Is400()
    {
        HttpResponseMessage response = await app.Client.PostAsync("/api/subscriptions", Http.Json(new
        {
            connector = "upstream-test",
            trigger = "items",
            inputs = new { base_url = "http://127.0.0.1:1" },
            entity_id = "user-1",
            destination = new { type = "queue", name = "deliveries" },
        }));

        JsonElement problem = await response.ProblemAsync(400);
        Assert.Equal(["/connection_id"], problem.ErrorPaths());
    }

    [Fact]
    public async Task UnknownConnection_Is404()
    {
        Feed feed = app.NewFeed();
        HttpResponseMessage response = await app.Client.PostAsync("/api/subscriptions", Http.Json(new
        {
            connector = "upstream-test",
            trigger = "items",
            inputs = new { base_url = feed.BaseUrl },
            connection_id = "con_missing",
            entity_id = "user-1",
            destination = new { type = "queue", name = "deliveries" },
        }));

        await response.ProblemAsync(404);
    }

    public static TheoryData<string, string> BadDestinations => new()
    {
        { """{"type":"webhook","url":"ftp://example.com/hook"}""", "/destination/url" },
        { """{"type":"webhook","url":"not a url"}""", "/destination/url" },
        { """{"type":"webhook","url":"/relative/hook"}""", "/destination/url" },
        { """{"type":"webhook","url":"http://169.254.169.254/latest/meta-data"}""", "/destination/url" },
        { """{"type":"webhook"}""", "/destination/url" },
        { """{"type":"queue","name":"Bad_Name"}""", "/destination/name" },
        { """{"type":"queue","name":"a--b"}""", "/destination/name" },
        { """{"type":"queue","name":"ab"}""", "/destination/name" },
        { """{"type":"email","to":"x"}""", "/destination/type" },
        { """{"type":"webhook","url":"https://example.com/hook","extra":1}""", "/destination/extra" },
        { "null", "/destination" },
        { "\"https://example.com/hook\"", "/destination" },
    };

    [Theory]
    [MemberData(nameof(BadDestinations))]
    public async Task BadDestination_Is400WithThePath(string destination, string path)
    {
        Feed feed = app.NewFeed();
        string connectionId = await app.CreateConnectionAsync();
        string body = $$"""{"connector":"upstream-test","trigger":"items","inputs":{"base_url":"{{feed.BaseUrl}}"},"connection_id":"{{connectionId}}","entity_id":"user-1","destination":{{destination}}}""";

        JsonElement problem = await (await app.Client.PostAsync("/api/subscriptions", Http.Raw(body))).ProblemAsync(400);

        Assert.Contains(path, problem.ErrorPaths());
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook", false, "loopback")]
    [InlineData("http://localhost/hook", false, "loopback")]
    [InlineData("http://10.1.2.3/hook", false, "private")]
    [InlineData("http://[fe80::1]/hook", true, "link-local")]
    [InlineData("http://169.254.169.254/hook", true, "link-local")]
    public void WebhookUrl_ToInternalAddresses_IsRefused(string url, bool allowPrivate, string reason)
    {
        ApiProblem problem = Assert.Throws<ApiProblem>(() => SubscriptionsApi.CheckWebhookUrl(url, allowPrivate));
        Assert.Contains(reason, problem.Errors!.Single().Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://hooks.example.com/patchbay?token=abc")]
    [InlineData("http://127.0.0.1:8080/hook")]
    public void WebhookUrl_Public_OrPrivateWhenAllowed_IsAccepted(string url) =>
        Assert.Equal(url, SubscriptionsApi.CheckWebhookUrl(url, allowPrivateNetworks: url.Contains("127.0.0.1", StringComparison.Ordinal)));

    [Fact]
    public async Task UnknownSubscription_Is404Everywhere()
    {
        await (await app.Client.GetAsync("/api/subscriptions/sub_missing")).ProblemAsync(404);
        await (await app.Client.GetAsync("/api/subscriptions/sub_missing/events")).ProblemAsync(404);
        await (await app.Client.PostAsync("/api/subscriptions/sub_missing/resume", null)).ProblemAsync(404);
        await (await app.Client.DeleteAsync("/api/subscriptions/sub_missing")).ProblemAsync(404);
    }

    [Fact]
    public async Task Subscriptions_NeedAnApiKey()
    {
        using HttpClient anonymous = app.CreateClient();
        await (await anonymous.GetAsync("/api/subscriptions?entity_id=user-1")).ProblemAsync(401);
    }

    // Issue 10 item 5: entity_id is optional (the connection's, else "default"); a list without it has every entity's subscriptions.
    [Fact]
    public async Task Item5_SubscriptionWithoutEntityId_TakesItsConnectionsOrDefault_AndAListWithoutEntityIdHasAll()
    {
        Feed feed = app.NewFeed();
        string connectionId = await app.CreateConnectionAsync("alice");
        HttpResponseMessage withConnection = await app.Client.PostAsync("/api/subscriptions", Http.Json(new
        {
            connector = "upstream-test", trigger = "items", inputs = new { base_url = feed.BaseUrl }, connection_id = connectionId,
            destination = new { type = "webhook", url = app.NewHook().Url },
        }));
        app.Time.Advance(TimeSpan.FromSeconds(1));
        HttpResponseMessage withoutAuth = await app.Client.PostAsync("/api/subscriptions", Http.Json(new
        {
            connector = "rss", trigger = "new_items", inputs = new { url = "https://example.com/feed.xml" },
            destination = new { type = "queue", name = "deliveries" },
        }));
        HttpResponseMessage otherEntity = await app.Client.PostAsync("/api/subscriptions", Http.Json(new
        {
            connector = "upstream-test", trigger = "items", inputs = new { base_url = feed.BaseUrl }, connection_id = connectionId, entity_id = "bob",
            destination = new { type = "queue", name = "deliveries" },
        }));
        app.Time.Advance(TimeSpan.FromSeconds(1));
        string carol = await app.SubscribeAsync(feed, app.NewHook(), entityId: "carol");

        Assert.Equal(HttpStatusCode.Created, withConnection.StatusCode);
        Assert.Equal(HttpStatusCode.Created, withoutAuth.StatusCode);
        JsonElement alices = await withConnection.ReadJsonAsync();
        JsonElement defaults = await withoutAuth.ReadJsonAsync();
        Assert.Equal("alice", alices.GetProperty("entity_id").GetString());
        Assert.Equal("default", defaults.GetProperty("entity_id").GetString());
        Assert.Equal(["/connection_id"], (await otherEntity.ProblemAsync(400)).ErrorPaths());

        HttpResponseMessage all = await app.Client.GetAsync("/api/subscriptions");
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.Equal("3", Assert.Single(all.Headers.GetValues(ListAnswers.TotalCountHeader)));
        JsonElement[] listed = [.. (await all.ReadJsonAsync()).EnumerateArray()];
        Assert.Equal([carol, defaults.GetProperty("id").GetString(), alices.GetProperty("id").GetString()], listed.Select(s => s.GetProperty("id").GetString()));
        foreach (JsonElement item in listed)
        {
            // A list reads only the columns a subscription shows (not the seen ids); it must show all of them.
            string got = (await app.GetSubscriptionAsync(item.GetProperty("id").GetString()!)).GetRawText();
            Assert.Equal(got, item.GetRawText());
        }

        JsonElement onlyDefault = await (await app.Client.GetAsync("/api/subscriptions?entity_id=default")).ReadJsonAsync();
        Assert.Equal([defaults.GetProperty("id").GetString()], onlyDefault.EnumerateArray().Select(s => s.GetProperty("id").GetString()));
    }
}
