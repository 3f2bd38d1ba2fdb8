using System.Text.Json;
using Patchbay.Sdk.Testing;
using Patchbay.Sdk.Tests.SampleConnector;

namespace Patchbay.Sdk.Tests.Execution;

public class ConnectorTests : IClassFixture<NotesServer>
{
    private static readonly object Auth = new { api_key = NotesServer.ApiKey };
    private readonly NotesServer _server;
    private readonly ConnectorTestHost _host;

    public ConnectorTests(NotesServer server)
    {
        _server = server;
        _server.Notes.Clear();
        Connector connector = Connector.Create(
            ConnectorManifest.Load(Path.Combine(AppContext.BaseDirectory, "SampleConnector", "config.json")),
            typeof(ListNotes).Assembly.GetTypes().Where(t => t.Namespace == typeof(ListNotes).Namespace));
        _host = new ConnectorTestHost(connector).Redirect(Notes.BaseUrl, server.BaseAddress);
    }

    [Fact]
    public async Task ExecuteAction_AppliesDefaultsInjectsApiKeyAndValidatesOutput()
    {
        _server.Notes.Add(JsonSerializer.SerializeToElement(new { id = 1, title = "a" }));

        IntegrationResult result = await _host.ExecuteActionAsync("list_notes", auth: Auth);

        Assert.Equal(ResultTypes.Action, result.Type);
        ActionResult data = Assert.IsType<ActionResult>(result.Outcome);
        Assert.Equal(1, data.Data.GetProperty("count").GetInt32());
        Assert.Contains("GET /notes?limit=20", _server.Requests);
        using JsonDocument json = JsonDocument.Parse(result.ToJson());
        Assert.Equal(SdkInfo.Version, json.RootElement.GetProperty("version").GetString());
        Assert.Equal("action", json.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task ExecuteAction_TypedInputsAreDeserializedSnakeCaseAfterDefaults()
    {
        IntegrationResult result = await _host.ExecuteActionAsync("create_note", new { title = "hello" }, Auth);

        ActionResult data = Assert.IsType<ActionResult>(result.Outcome);
        Assert.Equal(42, data.Data.GetProperty("id").GetInt32());
        Assert.False(data.Data.GetProperty("pinned").GetBoolean());
        Assert.Equal(0.01m, data.CostUsd);
        Assert.Contains("\"cost_usd\":0.01", result.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAction_InvalidInputs_ListEveryErrorWithPathAndSendNothing()
    {
        int before = _server.Requests.Count;
        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() => _host.ExecuteActionAsync("create_note", new { title = "", pinned = "yes" }, Auth));

        Assert.Equal(ValidationTarget.Inputs, error.Target);
        Assert.True(error.IsCallerError);
        Assert.Contains(error.Errors, e => e.Path == "/title");
        Assert.Contains(error.Errors, e => e.Path == "/pinned");
        Assert.Equal(before, _server.Requests.Count);
    }

    [Fact]
    public async Task ExecuteAction_MissingRequiredInput_PointsAtTheField()
    {
        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() => _host.ExecuteActionAsync("get_note", new { }, Auth));
        Assert.Contains(error.Errors, e => e.Path == "/note_id");
    }

    [Fact]
    public async Task ExecuteAction_InvalidCredentials_AreAnAuthErrorThatDoesNotEchoTheSecret()
    {
        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() => _host.ExecuteActionAsync("list_notes", auth: new { api_key = "short" }));
        Assert.Equal(ValidationTarget.Auth, error.Target);
        Assert.Contains(error.Errors, e => e.Path == "/api_key");
        Assert.DoesNotContain("short", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAction_EnvelopeAuthWorksLikeFlatAuth()
    {
        IntegrationResult result = await _host.ExecuteActionAsync("list_notes", auth: new { auth_type = "ApiKey", credentials = new { api_key = NotesServer.ApiKey } });
        Assert.Equal(ResultTypes.Action, result.Type);
    }

    [Fact]
    public async Task ExecuteAction_ActionErrorSkipsOutputValidationAndKeepsCost()
    {
        IntegrationResult result = await _host.ExecuteActionAsync("get_note", new { note_id = 7 }, Auth);

        Assert.True(result.IsError);
        ActionError error = Assert.IsType<ActionError>(result.Outcome);
        Assert.Equal("Note 7 does not exist", error.Message);
        using JsonDocument json = JsonDocument.Parse(result.ToJson());
        Assert.Equal("error", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("Note 7 does not exist", json.RootElement.GetProperty("result").GetProperty("message").GetString());
    }

    [Fact]
    public async Task ExecuteAction_OutputBreakingSchema_IsAConnectorBug()
    {
        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() => _host.ExecuteActionAsync("broken_output", auth: Auth));
        Assert.Equal(ValidationTarget.Output, error.Target);
        Assert.False(error.IsCallerError);
        Assert.Contains(error.Errors, e => e.Path == "/id");
    }

    [Fact]
    public async Task ExecuteAction_UnknownAction_NamesTheKnownOnes()
    {
        UnknownOperationError error = await Assert.ThrowsAsync<UnknownOperationError>(() => _host.ExecuteActionAsync("nope", auth: Auth));
        Assert.Contains("list_notes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_ValidatesRecordsDropsDuplicateIdsAndPassesLastPollTs()
    {
        _server.Notes.Add(JsonSerializer.SerializeToElement(new { id = 1, title = "a" }));
        _server.Notes.Add(JsonSerializer.SerializeToElement(new { id = "x", title = "b" }));
        _server.Notes.Add(JsonSerializer.SerializeToElement(new { id = 1, title = "duplicate" }));
        var since = new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero);

        IReadOnlyList<PollRecord> records = await _host.PollAsync("new_notes", lastPollTs: since, auth: Auth);

        Assert.Equal(["1", "x"], records.Select(r => r.Key));
        Assert.Equal("a", records[0].Data.GetProperty("title").GetString());
        Assert.Contains(_server.Requests, r => r.StartsWith("GET /notes?folder=inbox&since=2026-11-24T06", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Poll_RecordWithInvalidDataOrId_IsRejectedWithItsIndex()
    {
        _server.Notes.Add(JsonSerializer.SerializeToElement(new { id = 1, title = 5 }));
        _server.Notes.Add(JsonSerializer.SerializeToElement(new { id = true, title = "b" }));

        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() => _host.PollAsync("new_notes", auth: Auth));

        Assert.Equal(ValidationTarget.Records, error.Target);
        Assert.Contains(error.Errors, e => e.Path == "/0/data/title");
        Assert.Contains(error.Errors, e => e.Path == "/1/id");
    }

    [Fact]
    public async Task ConnectedAccount_ReturnsTheAccount()
    {
        IntegrationResult result = await _host.GetConnectedAccountAsync(Auth);

        Assert.Equal(ResultTypes.ConnectedAccount, result.Type);
        Assert.Equal("ada", result.Account!.Username);
        Assert.Contains("\"email\":\"ada@example.test\"", result.ToJson(), StringComparison.Ordinal);
    }
}
