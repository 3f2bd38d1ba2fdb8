using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Patchbay.Sdk;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Benchmarks.Execution;

/// <summary>
/// What the SDK adds around a handler: <c>Connector.ExecuteActionAsync</c> (defaults, input, auth and output
/// validation, result wrapping) against calling the same handler directly, for a handler that returns at once.
/// </summary>
[MemoryDiagnoser]
public class ExecuteActionBenchmarks
{
    internal const string Schema = """{"type":"object","additionalProperties":false,"required":["email","limit","status"],"properties":{"email":{"type":"string","format":"email","maxLength":254},"name":{"type":"string","minLength":1,"maxLength":100},"limit":{"type":"integer","minimum":1,"maximum":100},"status":{"type":"string","enum":["active","archived","draft"]},"tags":{"type":"array","items":{"type":"string"},"maxItems":10,"uniqueItems":true},"score":{"type":"number","exclusiveMinimum":0},"owner":{"type":"object","required":["id"],"properties":{"id":{"type":"string"},"team":{"type":"string"}}},"archived":{"type":"boolean"}}}""";

    internal const string Instance = """{"email":"ada@example.com","name":"Ada","limit":25,"status":"active","tags":["a","b","c"],"score":9.5,"owner":{"id":"u1","team":"core"},"archived":false}""";

    private static readonly string Manifest =
        """{"name":"bench","version":"1.0.0","description":"benchmark connector","auth":{"type":"custom","fields":{"type":"object","required":["api_key"],"properties":{"api_key":{"type":"string","minLength":8}}}},"actions":{"echo":{"description":"returns its inputs","input_schema":"""
        + Schema + ""","output_schema":""" + Schema + "}}}";

    private Connector _connector = null!;
    private ConnectorContext _context = null!;
    private JsonElement _inputs;
    private readonly Echo _handler = new();
    private FetchClient _client = null!;

    [GlobalSetup]
    public void Setup()
    {
        _connector = Connector.Create(ConnectorManifest.Parse(Manifest), [typeof(Echo)]);
        _client = new FetchClient();
        _context = new ConnectorContext(_client, _connector.CreateContextOptions(_connector.ReadAuth(JsonDocument.Parse("""{"api_key":"bench-key-123"}""").RootElement)));
        _inputs = JsonDocument.Parse(Instance).RootElement.Clone();
    }

    [GlobalCleanup]
    public void Cleanup() => _client.Dispose();

    [Benchmark(Baseline = true, Description = "handler called directly")]
    public Task<ActionOutcome> Direct() => _handler.ExecuteAsync(_inputs, _context, CancellationToken.None);

    [Benchmark(Description = "Connector.ExecuteActionAsync")]
    public Task<IntegrationResult> ThroughTheSdk() => _connector.ExecuteActionAsync("echo", _inputs, _context, CancellationToken.None);

    [Action("echo")]
    public sealed class Echo : ActionHandler
    {
        public override Task<ActionOutcome> ExecuteAsync(JsonElement inputs, ConnectorContext context, CancellationToken cancellationToken) =>
            Task.FromResult<ActionOutcome>(new ActionResult(inputs));
    }
}
