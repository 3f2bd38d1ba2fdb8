using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Patchbay.Sdk;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Benchmarks.Execution;

/// <summary>
/// What the SDK adds around a polling handler: <c>Connector.ExecutePollingTriggerAsync</c> (defaults, input and
/// auth validation, every record's id checked and its data validated against <c>output_schema</c>, repeated ids
/// dropped) against calling the same handler directly. The handler returns 100 records at once (the validator
/// benchmark's 8-property instance each, every tenth id a repeat of the one before it, half the ids numbers).
/// </summary>
[MemoryDiagnoser]
public class ExecutePollingTriggerBenchmarks
{
    /// <summary>Records the handler returns per poll.</summary>
    public const int RecordCount = 100;

    private static readonly string Manifest =
        """{"name":"bench","version":"1.0.0","description":"benchmark connector","auth":{"type":"custom","fields":{"type":"object","required":["api_key"],"properties":{"api_key":{"type":"string","minLength":8}}}},"actions":{"echo":{"description":"returns its inputs","input_schema":{"type":"object"},"output_schema":{"type":"object"}}},"polling_triggers":{"items":{"description":"returns records","polling_interval":"5m","input_schema":{"type":"object","properties":{"feed":{"type":"string"}}},"output_schema":"""
        + ExecuteActionBenchmarks.Schema + "}}}";

    private Connector _connector = null!;
    private ConnectorContext _context = null!;
    private JsonElement _inputs;
    private Items _handler = null!;
    private FetchClient _client = null!;
    private Patchbay.Sdk.Schema.JsonSchema _output = null!;

    [GlobalSetup]
    public void Setup()
    {
        _connector = Connector.Create(ConnectorManifest.Parse(Manifest), [typeof(Items), typeof(Echo)]);
        _output = _connector.Manifest.PollingTriggers["items"].Output;
        _client = new FetchClient();
        _context = new ConnectorContext(_client, _connector.CreateContextOptions(_connector.ReadAuth(JsonDocument.Parse("""{"api_key":"bench-key-123"}""").RootElement)));
        _inputs = JsonDocument.Parse("""{"feed":"news"}""").RootElement.Clone();
        JsonElement data = JsonDocument.Parse(ExecuteActionBenchmarks.Instance).RootElement.Clone();
        var records = new List<PollRecord>(RecordCount);
        for (int i = 0; i < RecordCount; i++)
        {
            int id = i % 10 == 9 ? i - 1 : i;
            records.Add(id % 2 == 0 ? new PollRecord($"item-{id}", data) : new PollRecord(id, data));
        }

        Items.Records = records;
        _handler = new Items();
    }

    [GlobalCleanup]
    public void Cleanup() => _client.Dispose();

    [Benchmark(Baseline = true, Description = "handler called directly")]
    public Task<IReadOnlyList<PollRecord>> Direct() => _handler.PollAsync(_inputs, null, _context, CancellationToken.None);

    /// <summary>The floor: the compiled output_schema's IsValid on each of the 100 records' data, nothing else.</summary>
    [Benchmark(Description = "output_schema IsValid x100 alone")]
    public int ValidationOnly()
    {
        int valid = 0;
        IReadOnlyList<PollRecord> records = Items.Records;
        for (int i = 0; i < records.Count; i++)
        {
            if (_output.IsValid(records[i].Data)) valid++;
        }

        return valid;
    }

    [Benchmark(Description = "Connector.ExecutePollingTriggerAsync, 100 records")]
    public async Task<IReadOnlyList<PollRecord>> ThroughTheSdk()
    {
        IReadOnlyList<PollRecord> unique = await _connector.ExecutePollingTriggerAsync("items", _inputs, null, _context, CancellationToken.None).ConfigureAwait(false);
        return unique.Count == RecordCount - RecordCount / 10 ? unique : throw new InvalidOperationException($"expected {RecordCount - RecordCount / 10} unique records, got {unique.Count}");
    }

    [Action("echo")]
    public sealed class Echo : ActionHandler
    {
        public override Task<ActionOutcome> ExecuteAsync(JsonElement inputs, ConnectorContext context, CancellationToken cancellationToken) =>
            Task.FromResult<ActionOutcome>(new ActionResult(inputs));
    }

    [PollingTrigger("items")]
    public sealed class Items : PollingTriggerHandler
    {
        internal static IReadOnlyList<PollRecord> Records { get; set; } = [];

        public override Task<IReadOnlyList<PollRecord>> PollAsync(JsonElement inputs, DateTimeOffset? lastPollTs, ConnectorContext context, CancellationToken cancellationToken) =>
            Task.FromResult(Records);
    }
}
