using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Newtonsoft.Json.Linq;
using Patchbay.Sdk.Schema;

namespace Patchbay.Benchmarks.Schema;

/// <summary>
/// Patchbay's draft-7 validator against NJsonSchema 11.6.2 and JsonSchema.Net 8.0.5 (the differential test's reference)
/// on the same schema and instances: valid and invalid, pre-parsed (JsonElement / JToken) and from a string (parse +
/// validate). JsonSchema.Net runs as the differential test runs it: draft-7 dialect, format asserted; a valid instance
/// with the Flag output (the verdict only), an invalid one with the List output (every error, as Patchbay's Validate).
/// </summary>
[MemoryDiagnoser]
public class SchemaValidationBenchmarks
{
    private const string SchemaJson = """
        {"type":"object","additionalProperties":false,"required":["email","limit","status"],"properties":{"email":{"type":"string","format":"email","maxLength":254},"name":{"type":"string","minLength":1,"maxLength":100},"limit":{"type":"integer","minimum":1,"maximum":100},"status":{"type":"string","enum":["active","archived","draft"]},"tags":{"type":"array","items":{"type":"string"},"maxItems":10,"uniqueItems":true},"score":{"type":"number","exclusiveMinimum":0},"owner":{"type":"object","required":["id"],"properties":{"id":{"type":"string"},"team":{"type":"string"}}},"archived":{"type":"boolean"}}}
        """;

    private const string ValidJson = """
        {"email":"ada@example.com","name":"Ada Lovelace","limit":25,"status":"active","tags":["math","engines","poetry"],"score":9.5,"owner":{"id":"u-42","team":"analytics"},"archived":false}
        """;

    private const string InvalidJson = """
        {"email":"not-an-email","name":"","limit":250,"status":"deleted","tags":["a","a"],"score":0,"owner":{"team":"analytics"},"archived":"no","extra":1}
        """;

    private static readonly Json.Schema.EvaluationOptions ReferenceValid = new() { RequireFormatValidation = true, OutputFormat = Json.Schema.OutputFormat.Flag };
    private static readonly Json.Schema.EvaluationOptions ReferenceErrors = new() { RequireFormatValidation = true, OutputFormat = Json.Schema.OutputFormat.List };

    private JsonSchema _ours = null!;
    private NJsonSchema.JsonSchema _theirs = null!;
    private Json.Schema.JsonSchema _reference = null!;
    private JsonDocument _validDocument = null!;
    private JsonDocument _invalidDocument = null!;
    private JToken _validToken = null!;
    private JToken _invalidToken = null!;

    [GlobalSetup]
    public void Setup()
    {
        _ours = JsonSchema.Parse(SchemaJson);
        _theirs = NJsonSchema.JsonSchema.FromJsonAsync(SchemaJson).GetAwaiter().GetResult();
        _reference = Json.Schema.JsonSchema.FromText(SchemaJson, new Json.Schema.BuildOptions { Dialect = Json.Schema.Dialect.Draft07, SchemaRegistry = new Json.Schema.SchemaRegistry() });
        _validDocument = JsonDocument.Parse(ValidJson);
        _invalidDocument = JsonDocument.Parse(InvalidJson);
        _validToken = JToken.Parse(ValidJson);
        _invalidToken = JToken.Parse(InvalidJson);

        if (!_ours.Validate(_validDocument.RootElement).IsValid || _theirs.Validate(_validToken).Count != 0
            || _ours.Validate(_invalidDocument.RootElement).IsValid || _theirs.Validate(_invalidToken).Count == 0
            || !_reference.Evaluate(_validDocument.RootElement, ReferenceValid).IsValid || _reference.Evaluate(_invalidDocument.RootElement, ReferenceErrors).IsValid)
        {
            throw new InvalidOperationException("the validators disagree with the expected outcome");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _validDocument.Dispose();
        _invalidDocument.Dispose();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("valid", "pre-parsed")]
    public int NJsonSchema_Valid_PreParsed() => _theirs.Validate(_validToken).Count;

    [Benchmark]
    [BenchmarkCategory("valid", "pre-parsed")]
    public bool Patchbay_Valid_PreParsed() => _ours.Validate(_validDocument.RootElement).IsValid;

    [Benchmark]
    [BenchmarkCategory("valid", "pre-parsed")]
    public bool Patchbay_Valid_PreParsed_IsValid() => _ours.IsValid(_validDocument.RootElement);

    [Benchmark]
    [BenchmarkCategory("valid", "pre-parsed")]
    public bool JsonSchemaNet_Valid_PreParsed() => _reference.Evaluate(_validDocument.RootElement, ReferenceValid).IsValid;

    [Benchmark]
    [BenchmarkCategory("invalid", "pre-parsed")]
    public int JsonSchemaNet_Invalid_PreParsed() => _reference.Evaluate(_invalidDocument.RootElement, ReferenceErrors).Details?.Count ?? 0;

    [Benchmark]
    [BenchmarkCategory("valid", "string")]
    public bool JsonSchemaNet_Valid_FromString()
    {
        using JsonDocument document = JsonDocument.Parse(ValidJson);
        return _reference.Evaluate(document.RootElement, ReferenceValid).IsValid;
    }

    [Benchmark]
    [BenchmarkCategory("invalid", "string")]
    public int JsonSchemaNet_Invalid_FromString()
    {
        using JsonDocument document = JsonDocument.Parse(InvalidJson);
        return _reference.Evaluate(document.RootElement, ReferenceErrors).Details?.Count ?? 0;
    }

    [Benchmark]
    [BenchmarkCategory("invalid", "pre-parsed")]
    public int NJsonSchema_Invalid_PreParsed() => _theirs.Validate(_invalidToken).Count;

    [Benchmark]
    [BenchmarkCategory("invalid", "pre-parsed")]
    public int Patchbay_Invalid_PreParsed() => _ours.Validate(_invalidDocument.RootElement).Errors.Count;

    [Benchmark]
    [BenchmarkCategory("valid", "string")]
    public int NJsonSchema_Valid_FromString() => _theirs.Validate(ValidJson).Count;

    [Benchmark]
    [BenchmarkCategory("valid", "string")]
    public bool Patchbay_Valid_FromString()
    {
        using JsonDocument document = JsonDocument.Parse(ValidJson);
        return _ours.Validate(document.RootElement).IsValid;
    }

    [Benchmark]
    [BenchmarkCategory("invalid", "string")]
    public int NJsonSchema_Invalid_FromString() => _theirs.Validate(InvalidJson).Count;

    [Benchmark]
    [BenchmarkCategory("invalid", "string")]
    public int Patchbay_Invalid_FromString()
    {
        using JsonDocument document = JsonDocument.Parse(InvalidJson);
        return _ours.Validate(document.RootElement).Errors.Count;
    }
}
