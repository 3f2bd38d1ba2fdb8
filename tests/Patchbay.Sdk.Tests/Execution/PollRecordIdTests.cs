using System.Text.Json;

namespace Patchbay.Sdk.Tests.Execution;

/// <summary>
/// How <see cref="Connector.ExecutePollingTriggerAsync"/> de-duplicates records: two ids are the same when their text
/// is (<see cref="PollRecord.Key"/>: a string's value, a number's JSON text), the first record wins, and the order of
/// the rest is kept. The ids come as JSON written by the test, so escapes and number spellings are exact.
/// </summary>
public class PollRecordIdTests
{
    private const string Manifest = """
        {"name":"ids","version":"1.0.0","description":"records with the ids a test sets",
         "actions":{"echo":{"description":"returns its inputs","input_schema":{"type":"object"},"output_schema":{"type":"object"}}},
         "polling_triggers":{"items":{"description":"returns Items.Records","polling_interval":"5m",
           "input_schema":{"type":"object"},
           "output_schema":{"type":"object","required":["n"],"properties":{"n":{"type":"integer"}}}}}}
        """;

    [Theory]
    [InlineData("""["a","b","a"]""", """["a","b"]""")]
    [InlineData("""[1,"1"]""", """["1"]""")] // a number's text equals the string: one id, as PollRecord.Key says
    [InlineData("""["1",1]""", """["1"]""")]
    [InlineData("""[1,1.0,1e0,10e-1]""", """["1","1.0","1e0","10e-1"]""")] // numbers compare as written
    [InlineData("""["\u0061","a","\\u0061"]""", """["a","\\u0061"]""")] // an escape is its character
    [InlineData("""["é","\u00e9","\u00E9"]""", """["é"]""")]
    [InlineData("""["😀","\ud83d\ude00"]""", """["😀"]""")]
    [InlineData("""["a\/b","a/b","a\\/b"]""", """["a/b","a\\/b"]""")]
    [InlineData("""[-0,0,"-0"]""", """["-0","0"]""")]
    public async Task Poll_RepeatedIds_AreDroppedByTheirText_FirstWins(string ids, string expectedKeys)
    {
        IReadOnlyList<PollRecord> unique = await PollAsync(ids);

        Assert.Equal(JsonSerializer.Deserialize<string[]>(expectedKeys), unique.Select(r => r.Key));
        Assert.All(unique, r => Assert.Equal(r.Data.GetProperty("n").GetInt32(), FirstIndexOf(ids, r.Key)));
    }

    [Fact]
    public async Task Poll_ManyIds_KeepsEveryDistinctOneInOrder()
    {
        // More ids than any small table holds, with repeats far apart and ids that differ in one byte.
        var ids = new List<string>();
        for (int i = 0; i < 3000; i++) ids.Add(i % 2 == 0 ? $"\"id-{i}\"" : i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        for (int i = 0; i < 3000; i += 7) ids.Add(i % 2 == 0 ? $"\"id-{i}\"" : $"\"{i}\"");

        IReadOnlyList<PollRecord> unique = await PollAsync("[" + string.Join(",", ids) + "]");

        Assert.Equal(3000, unique.Count);
        for (int i = 0; i < 3000; i++) Assert.Equal(i % 2 == 0 ? $"id-{i}" : i.ToString(System.Globalization.CultureInfo.InvariantCulture), unique[i].Key);
    }

    [Theory]
    [InlineData("""[""]""", "/0/id")]
    [InlineData("""["a",true]""", "/1/id")]
    [InlineData("""["a",null]""", "/1/id")]
    [InlineData("""[{"x":1},"b"]""", "/0/id")]
    public async Task Poll_IdNotANonEmptyStringOrNumber_IsRejectedWithItsIndex(string ids, string path)
    {
        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() => PollAsync(ids));

        Assert.Equal(ValidationTarget.Records, error.Target);
        FieldError field = Assert.Single(error.Errors);
        Assert.Equal(path, field.Path);
        Assert.StartsWith("is required: a non-empty string or a number", field.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_RepeatOfAnInvalidRecord_IsStillReported()
    {
        var records = new List<PollRecord>
        {
            new("a", Json("""{"n":1}""")),
            new("a", Json("""{"n":"two"}""")),
            new("b", Json("""{}""")),
        };

        ValidationError error = await Assert.ThrowsAsync<ValidationError>(() => PollAsync(records));

        Assert.Equal(["/1/data/n", "/2/data/n"], error.Errors.Select(e => e.Path));
    }

    private static Task<IReadOnlyList<PollRecord>> PollAsync(string ids)
    {
        using JsonDocument document = JsonDocument.Parse(ids);
        var records = new List<PollRecord>();
        int n = 0;
        foreach (JsonElement id in document.RootElement.EnumerateArray())
        {
            records.Add(new PollRecord(id.Clone(), Json($$"""{"n":{{n++}}}""")));
        }

        return PollAsync(records);
    }

    private static async Task<IReadOnlyList<PollRecord>> PollAsync(IReadOnlyList<PollRecord> records)
    {
        Connector connector = Connector.Create(ConnectorManifest.Parse(Manifest), [typeof(Items), typeof(Echo)]);
        using var client = new Patchbay.Sdk.Fetch.FetchClient();
        var context = new ConnectorContext(client, connector.CreateContextOptions(ConnectorAuth.None));
        Items.Records.Value = records;
        return await connector.ExecutePollingTriggerAsync("items", Json("{}"), null, context, CancellationToken.None);
    }

    private static int FirstIndexOf(string ids, string key)
    {
        using JsonDocument document = JsonDocument.Parse(ids);
        int i = 0;
        foreach (JsonElement id in document.RootElement.EnumerateArray())
        {
            if ((id.ValueKind == JsonValueKind.String ? id.GetString() : id.GetRawText()) == key) return i;
            i++;
        }

        return -1;
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Action("echo")]
    public sealed class Echo : ActionHandler
    {
        public override Task<ActionOutcome> ExecuteAsync(JsonElement inputs, ConnectorContext context, CancellationToken cancellationToken) =>
            Task.FromResult<ActionOutcome>(new ActionResult(inputs));
    }

    [PollingTrigger("items")]
    public sealed class Items : PollingTriggerHandler
    {
        internal static AsyncLocal<IReadOnlyList<PollRecord>> Records { get; } = new();

        public override Task<IReadOnlyList<PollRecord>> PollAsync(JsonElement inputs, DateTimeOffset? lastPollTs, ConnectorContext context, CancellationToken cancellationToken) =>
            Task.FromResult(Records.Value ?? []);
    }
}
