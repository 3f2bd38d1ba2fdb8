using System.Net;
using System.Text.Json;

namespace Patchbay.Platform.Tests;

/// <summary>
/// Issue 11 item 5 through the API: a malformed azure-storage connection string was stored as ACTIVE and then answered
/// 500 on every action; now it is a 400 at connection time, and a wrong key makes a FAILED connection with the reason.
/// </summary>
[Collection(PatchbayAppCollection.Name)]
public class Issue11Item5Tests(PatchbayApp app)
{
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private Task<HttpResponseMessage> CreateAsync(string entity, string connectionString) =>
        app.Client.PostAsync("/api/connections", Http.Json(new { connector = "azure-storage", entity_id = entity, credentials = new { connection_string = connectionString } }));

    [Theory]
    [InlineData("this is not a connection string")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=not-base64!;EndpointSuffix=core.windows.net")]
    public async Task Item5_MalformedConnectionString_Is400AtConnectionTimeAndNothingIsStored(string connectionString)
    {
        JsonElement problem = await (await CreateAsync("item5-malformed", connectionString)).ProblemAsync(400);

        Assert.Equal(["/credentials/connection_string"], problem.ErrorPaths());
        Assert.DoesNotContain("not-base64", problem.GetRawText(), StringComparison.Ordinal);
        JsonElement list = await (await app.Client.GetAsync("/api/connections?entity_id=item5-malformed")).ReadJsonAsync();
        Assert.Equal(0, list.GetArrayLength());
    }

    [Fact]
    public async Task Item5_MalformedConnectionStringInline_Is400OnActions()
    {
        HttpResponseMessage response = await app.Client.PostAsync("/api/connectors/azure-storage/actions/list_blobs",
            Http.Json(new { inputs = new { container = "box" }, auth = new { connection_string = "AccountName=acct;AccountKey=%%%" } }));

        JsonElement problem = await response.ProblemAsync(400);
        Assert.Equal(["/auth/connection_string"], problem.ErrorPaths());
    }

    [Fact]
    public async Task Item5_WrongAccountKey_MakesAFailedConnectionWithTheReason()
    {
        string wrong = app.Azurite.ConnectionString.Replace(AzuriteKey, Convert.ToBase64String(new byte[64]), StringComparison.Ordinal);

        HttpResponseMessage response = await CreateAsync("item5-wrong", wrong);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        JsonElement connection = await response.ReadJsonAsync();
        Assert.Equal("FAILED", connection.GetProperty("status").GetString());
        string reason = connection.GetProperty("status_reason").GetString()!;
        Assert.Contains("HTTP 403", reason, StringComparison.Ordinal);
        Assert.Contains("check the account key", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Item5_RightAccountKey_MakesAnActiveConnectionNamingTheAccount()
    {
        HttpResponseMessage response = await CreateAsync("item5-right", app.Azurite.ConnectionString);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        JsonElement connection = await response.ReadJsonAsync();
        Assert.Equal("ACTIVE", connection.GetProperty("status").GetString());
        Assert.Equal("devstoreaccount1", connection.GetProperty("account").GetProperty("username").GetString());
    }
}
