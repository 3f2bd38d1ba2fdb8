using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Patchbay.Platform.Catalog;
using Patchbay.Platform.Connections;
using Patchbay.Platform.Storage;
using Patchbay.Sdk;

namespace Patchbay.Platform.Tests;

/// <summary>Issue 10 item 5: entity_id is optional for connections ("default"), and a list without it lists every entity's, bounded.</summary>
[Collection(PatchbayAppCollection.Name)]
public class Issue10EntityIdTests(PatchbayApp app)
{
    private async Task<JsonElement> CreateAsync(object body)
    {
        HttpResponseMessage response = await app.Client.PostAsync("/api/connections", Http.Json(body));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private static int TotalCount(HttpResponseMessage response) =>
        int.Parse(Assert.Single(response.Headers.GetValues(ListAnswers.TotalCountHeader)), System.Globalization.CultureInfo.InvariantCulture);

    private static void AssertNewestFirst(JsonElement list)
    {
        DateTimeOffset[] created = [.. list.EnumerateArray().Select(c => c.GetProperty("created_at").GetDateTimeOffset())];
        Assert.Equal(created.OrderDescending(), created);
    }

    [Fact]
    public async Task Item5_ConnectionWithoutEntityId_BelongsToDefault_AndAListWithoutEntityIdHasEveryEntity()
    {
        string alice = "item5-alice-" + Guid.NewGuid().ToString("N")[..8];
        JsonElement anonymous = await CreateAsync(new { connector = "upstream-test", credentials = new { api_key = "good-key-123" } });
        JsonElement owned = await CreateAsync(new { connector = "upstream-test", entity_id = alice, credentials = new { api_key = "good-key-123" } });
        JsonElement bobs = await CreateAsync(new { connector = "upstream-test", entity_id = "item5-bob", credentials = new { api_key = "good-key-123" } });
        Assert.Equal("default", anonymous.GetProperty("entity_id").GetString());
        Assert.Equal(alice, owned.GetProperty("entity_id").GetString());

        HttpResponseMessage all = await app.Client.GetAsync("/api/connections");
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        JsonElement list = await all.ReadJsonAsync();
        string?[] ids = [.. list.EnumerateArray().Select(c => c.GetProperty("id").GetString())];
        Assert.Contains(anonymous.GetProperty("id").GetString(), ids);
        Assert.Contains(owned.GetProperty("id").GetString(), ids);
        Assert.Contains(bobs.GetProperty("id").GetString(), ids);
        Assert.True(TotalCount(all) >= ids.Length);
        AssertNewestFirst(list);

        JsonElement defaults = await (await app.Client.GetAsync("/api/connections?entity_id=default")).ReadJsonAsync();
        Assert.Contains(defaults.EnumerateArray(), c => c.GetProperty("id").GetString() == anonymous.GetProperty("id").GetString());
        Assert.All(defaults.EnumerateArray(), c => Assert.Equal("default", c.GetProperty("entity_id").GetString()));
        JsonElement alices = await (await app.Client.GetAsync($"/api/connections?entity_id={alice}")).ReadJsonAsync();
        Assert.Equal([owned.GetProperty("id").GetString()], alices.EnumerateArray().Select(c => c.GetProperty("id").GetString()));

        JsonElement problem = await (await app.Client.GetAsync("/api/connections?entity_id=")).ProblemAsync(400);
        Assert.Equal(["/entity_id"], problem.ErrorPaths());
    }

    [Fact]
    public async Task Item5_AListAnswersAtMost1000Connections_TheNewest_AndXTotalCountSaysHowManyMatched()
    {
        string entity = "item5-bulk-" + Guid.NewGuid().ToString("N")[..8];
        Connector connector = app.Services.GetRequiredService<ConnectorCatalog>().All.Single(c => c.Id == "upstream-test");
        ConnectorAuth auth = connector.ReadAuth(JsonSerializer.SerializeToElement(new { api_key = "good-key-123" }));
        ConnectionStore store = app.Services.GetRequiredService<ConnectionStore>();
        var oldest = new HashSet<string>();
        for (int i = 0; i < ListAnswers.Limit + 5; i++)
        {
            Connection created = await store.CreateAsync("upstream-test", entity, auth, ConnectionStatus.Active, null, null, default);
            if (i < 5) oldest.Add(created.Id);
        }

        HttpResponseMessage byEntity = await app.Client.GetAsync($"/api/connections?entity_id={entity}");
        JsonElement page = await byEntity.ReadJsonAsync();
        Assert.Equal(ListAnswers.Limit, page.GetArrayLength());
        Assert.Equal(ListAnswers.Limit + 5, TotalCount(byEntity));
        Assert.DoesNotContain(page.EnumerateArray(), c => oldest.Contains(c.GetProperty("id").GetString()!));
        AssertNewestFirst(page);

        HttpResponseMessage all = await app.Client.GetAsync("/api/connections");
        JsonElement everything = await all.ReadJsonAsync();
        Assert.Equal(ListAnswers.Limit, everything.GetArrayLength());
        Assert.True(TotalCount(all) >= ListAnswers.Limit + 5);
        AssertNewestFirst(everything);
    }
}
