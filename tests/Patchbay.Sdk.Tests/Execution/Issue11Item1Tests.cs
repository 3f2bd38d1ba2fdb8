using System.Text.Json;
using Patchbay.Sdk.Schema;
using Patchbay.Sdk.Testing;
using Patchbay.Sdk.Tests.SampleConnector;

namespace Patchbay.Sdk.Tests.Execution;

/// <summary>
/// Issue 11 item 1: draft 7 calls <c>5.0</c> and <c>1e2</c> integers, so the schema accepts them; the handler
/// must get integers it can read (<c>GetInt32</c>, typed records), never a FormatException.
/// </summary>
public class Issue11Item1Tests : IClassFixture<NotesServer>
{
    private static readonly object Auth = new { api_key = NotesServer.ApiKey };
    private readonly NotesServer _server;
    private readonly ConnectorTestHost _host;

    public Issue11Item1Tests(NotesServer server)
    {
        _server = server;
        Connector connector = Connector.Create(
            ConnectorManifest.Load(Path.Combine(AppContext.BaseDirectory, "SampleConnector", "config.json")),
            typeof(ListNotes).Assembly.GetTypes().Where(t => t.Namespace == typeof(ListNotes).Namespace));
        _host = new ConnectorTestHost(connector).Redirect(Notes.BaseUrl, server.BaseAddress);
    }

    [Theory]
    [InlineData("5.0", 5)]
    [InlineData("1e2", 100)]
    [InlineData("1E+1", 10)]
    [InlineData("1.5e1", 15)]
    [InlineData("100e-2", 1)]
    [InlineData("0.07e3", 70)]
    public async Task Item1_JsonElementHandler_GetInt32_ReadsAWholeNumberWrittenWithAFractionOrExponent(string written, int expected)
    {
        IntegrationResult result = await _host.ExecuteActionAsync("list_notes", $$"""{"limit": {{written}}}""", Auth);

        Assert.IsType<ActionResult>(result.Outcome);
        Assert.Contains($"GET /notes?limit={expected}", _server.Requests);
    }

    [Theory]
    [InlineData("7.0", "7")]
    [InlineData("1e2", "100")]
    public async Task Item1_JsonElementHandler_GetInt64_ReadsAWholeNumberWrittenWithAFractionOrExponent(string written, string expected)
    {
        IntegrationResult result = await _host.ExecuteActionAsync("get_note", $$"""{"note_id": {{written}}}""", Auth);

        ActionError error = Assert.IsType<ActionError>(result.Outcome);
        Assert.Equal($"Note {expected} does not exist", error.Message);
    }

    [Theory]
    [InlineData("3.0", "1.0", 3, 1)]
    [InlineData("1e1", "2E3", 10, 2000)]
    public async Task Item1_TypedHandler_DeserializesWholeNumbersWrittenWithAFractionOrExponent(string priority, string weight, int expectedPriority, int expectedWeight)
    {
        IntegrationResult result = await _host.ExecuteActionAsync(
            "create_note", $$"""{"title": "t", "priority": {{priority}}, "tags": [{"weight": {{weight}}}]}""", Auth);

        ActionResult data = Assert.IsType<ActionResult>(result.Outcome);
        Assert.Equal(expectedPriority, data.Data.GetProperty("priority").GetInt32());
        Assert.Equal(expectedWeight, data.Data.GetProperty("weights")[0].GetInt32());
    }

    [Fact]
    public async Task Item1_PollingTrigger_GetInt32_ReadsAWholeNumberWrittenWithAnExponent()
    {
        _server.Notes.Clear();
        _server.Notes.Add(JsonSerializer.SerializeToElement(new { id = 1, title = "a" }));
        _server.Notes.Add(JsonSerializer.SerializeToElement(new { id = 2, title = "b" }));

        IReadOnlyList<PollRecord> records = await _host.PollAsync("new_notes", """{"max_notes": 1e0}""", auth: Auth);

        Assert.Single(records);
    }

    [Theory]
    [InlineData("1e20", "100000000000000000000")]
    [InlineData("100000000000000000000", "100000000000000000000")]
    [InlineData("1e400", "1e400")]
    public async Task Item1_TypedHandler_WholeNumberBeyondItsType_IsAnInputsValidationErrorAtThePath(string weight, string shown)
    {
        int before = _server.Requests.Count;

        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() => _host.ExecuteActionAsync(
            "create_note", $$"""{"title": "t", "tags": [{"weight": 1}, {"weight": {{weight}}}]}""", Auth));

        Assert.Equal(ValidationTarget.Inputs, error.Target);
        FieldError field = Assert.Single(error.Errors);
        Assert.Equal("/tags/1/weight", field.Path);
        Assert.StartsWith(shown + " is allowed by input_schema but the handler cannot take it", field.Message, StringComparison.Ordinal);
        Assert.Equal(before, _server.Requests.Count);
    }

    [Theory]
    [InlineData("5.0", "5")]
    [InlineData("1e2", "100")]
    [InlineData("1E+2", "100")]
    [InlineData("-3.000", "-3")]
    [InlineData("-0.0", "0")]
    [InlineData("0e5", "0")]
    [InlineData("0.000e-7", "0")]
    [InlineData("1.5e1", "15")]
    [InlineData("100e-2", "1")]
    [InlineData("9223372036854775807.0", "9223372036854775807")]
    [InlineData("-9223372036854775808e0", "-9223372036854775808")]
    [InlineData("18446744073709551615.00", "18446744073709551615")]
    [InlineData("1e27", "1000000000000000000000000000")]
    [InlineData("9999999999999999999999999999.0", "9999999999999999999999999999")]
    public void Item1_Normalize_WritesWholeNumbersPlain(string written, string expected)
    {
        JsonElement normalized = InputNumbers.Normalize(Parse($$"""{"n": {{written}}}"""));

        Assert.Equal($$"""{"n":{{expected}}}""", normalized.GetRawText());
    }

    [Theory]
    [InlineData("2.5")]
    [InlineData("1e-2")]
    [InlineData("1e-30")] // not a whole number, however close to zero
    [InlineData("1.00000000000000000000000000001")] // not a whole number, though decimal would round it to 1
    [InlineData("42")]
    [InlineData("-7")]
    [InlineData("123456789012345678901234567890")] // plain already, however long
    [InlineData("1e28")] // 29 digits: beyond the bound, left as written
    [InlineData("1e400")]
    [InlineData("-1e400")]
    [InlineData("1e999999999999999999999")]
    [InlineData("1.5e-999999999999999999999")]
    public void Item1_Normalize_LeavesOtherNumbersAsWritten(string written)
    {
        string json = $$"""{"n":{{written}}}""";

        JsonElement normalized = InputNumbers.Normalize(Parse(json));

        Assert.Equal(json, normalized.GetRawText());
    }

    [Fact]
    public void Item1_Normalize_WalksArraysAndObjectsAndKeepsEverythingElse()
    {
        JsonElement inputs = Parse("""{"a\u00e9":[1.0,{"b":2e1,"c":"3.0","d":null,"e":true}],"f":{"g":[[4.50,5e0]]},"h":2.5}""");

        JsonElement normalized = InputNumbers.Normalize(inputs);

        Assert.Equal("""[1,{"b":20,"c":"3.0","d":null,"e":true}]""", normalized.GetProperty("aé").GetRawText());
        Assert.Equal("""{"g":[[4.50,5]]}""", normalized.GetProperty("f").GetRawText());
        Assert.Equal("2.5", normalized.GetProperty("h").GetRawText());
        Assert.Equal(3, normalized.EnumerateObject().Count());
    }

    [Fact]
    public void Item1_Normalize_NothingToChange_ReturnsTheSameDocument()
    {
        JsonElement inputs = Parse("""{"a":[1,2.5,{"b":"1.0"}]}""");

        JsonElement normalized = InputNumbers.Normalize(inputs);

        Assert.Equal(inputs.GetRawText(), normalized.GetRawText());
    }

    [Theory]
    [InlineData("1e-30", false)]
    [InlineData("1.00000000000000000000000000001", false)]
    [InlineData("1.0", true)]
    [InlineData("1e400", true)]
    [InlineData("12345678910111213141516171819202122232425262728293031", true)]
    public void Item1_IntegerType_IsDecidedExactlyNotAfterRoundingToDecimal(string value, bool isInteger)
    {
        JsonSchema schema = JsonSchema.Parse("""{"type": "integer"}""");

        Assert.Equal(isInteger, schema.IsValid(Parse(value)));
    }

    private static JsonElement Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
