using System.Text.Json;
using System.Text.Json.Nodes;
using Patchbay.Sdk;
using Patchbay.Sdk.Testing;

namespace Patchbay.Connectors.Testing;

/// <summary>
/// Issue 11 item 1: every integer input a connector's manifest declares (read from its <c>input_schema</c>s, never
/// listed by hand), and runs of its action or trigger with that input spelled as draft 7 allows (<c>5.0</c>, <c>1e2</c>).
/// </summary>
/// <example><code>
/// public static TheoryData&lt;string, string, string&gt; Cases => IntegerInputs.Cases(Manifest, IntegerInputs.WholeNumberSpellings);
/// JsonElement inputs = IntegerInputs.With(BaseInputs[operation], pointer, spelling);
/// Outcome outcome = await IntegerInputs.RunAsync(host, operation, inputs, auth);
/// </code></example>
public static class IntegerInputs
{
    /// <summary>Whole numbers spelled with a fraction or an exponent; every shipped integer input accepts 5 and 100.</summary>
    public static readonly string[] WholeNumberSpellings = ["5.0", "1e2"];

    /// <summary>Whole numbers no integer input can take: beyond Int64, beyond decimal, beyond double.</summary>
    public static readonly string[] HugeSpellings = ["1e20", "99999999999999999999999999999999", "1e400"];

    /// <summary>Every <c>(operation, JSON Pointer)</c> whose schema type is or includes <c>integer</c>, under <c>properties</c> and <c>items</c>.</summary>
    public static IReadOnlyList<(string Operation, string Pointer)> Find(ConnectorManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var found = new List<(string, string)>();
        IEnumerable<OperationDefinition> operations = manifest.Actions.Values.Cast<OperationDefinition>().Concat(manifest.PollingTriggers.Values);
        foreach (OperationDefinition operation in operations)
        {
            Walk(operation.InputSchema, string.Empty, pointer => found.Add((operation.Name, pointer)), depth: 0);
        }

        return found;
    }

    /// <summary>One theory row per integer input and spelling: operation, pointer, spelling.</summary>
    public static TheoryData<string, string, string> Cases(ConnectorManifest manifest, IEnumerable<string> spellings)
    {
        var data = new TheoryData<string, string, string>();
        foreach ((string operation, string pointer) in Find(manifest))
        {
            foreach (string spelling in spellings) data.Add(operation, pointer, spelling);
        }

        return data;
    }

    /// <summary>
    /// <paramref name="baseInputs"/> with the value at <paramref name="path"/> (a JSON Pointer) set to the JSON number
    /// text <paramref name="number"/>, exactly as spelled (missing objects on the way are created).
    /// </summary>
    public static JsonElement With(object baseInputs, string path, string number)
    {
        JsonNode root = JsonNode.Parse(ConnectorTestHost.ToJson(baseInputs).GetRawText()) ?? new JsonObject();
        string[] tokens = path.Split('/')[1..];
        JsonNode parent = root;
        for (int i = 0; i < tokens.Length - 1; i++)
        {
            string token = Unescape(tokens[i]);
            parent = parent is JsonArray array
                ? array[int.Parse(token, System.Globalization.CultureInfo.InvariantCulture)]!
                : (parent[token] ??= new JsonObject());
        }

        string last = Unescape(tokens[^1]);
        JsonNode value = JsonNode.Parse(number)!;
        if (parent is JsonArray items) items[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = value;
        else parent[last] = value;

        using JsonDocument document = JsonDocument.Parse(root.ToJsonString());
        JsonElement inputs = document.RootElement.Clone();
        Assert.Contains(number, inputs.GetRawText(), StringComparison.Ordinal); // the spelling reaches the SDK as written
        return inputs;
    }

    /// <summary>Runs the action or trigger named <paramref name="operation"/> and returns what happened, exceptions included.</summary>
    public static async Task<Outcome> RunAsync(ConnectorTestHost host, string operation, JsonElement inputs, object? auth, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        try
        {
            if (host.Connector.Manifest.PollingTriggers.ContainsKey(operation))
            {
                IReadOnlyList<PollRecord> records = await host.PollAsync(operation, inputs, lastPollTs: null, auth, cancellationToken);
                return new Outcome(null, records, null);
            }

            IntegrationResult result = await host.ExecuteActionAsync(operation, inputs, auth, cancellationToken);
            return new Outcome(result.Outcome, null, null);
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            return new Outcome(null, null, ex);
        }
    }

    /// <summary>Asserts the operation ran to a result: an <see cref="ActionResult"/> or the trigger's records.</summary>
    public static void AssertSucceeded(Outcome outcome, string because)
    {
        Assert.True(outcome.Error is null, $"{because}: threw {outcome.Error}");
        Assert.True(outcome.Records is not null || outcome.Action is ActionResult, $"{because}: answered {outcome.Action}");
    }

    /// <summary>Asserts the value was refused as the caller's mistake (HTTP 400) at <paramref name="path"/> (a JSON Pointer), not a handler failure (500).</summary>
    public static void AssertRefusedAt(Outcome outcome, string path, string because)
    {
        ValidationError error = Assert.IsType<ValidationError>(outcome.Error, exactMatch: true);
        Assert.True(error.Target == ValidationTarget.Inputs, $"{because}: {error.Message}");
        Assert.True(error.Errors.Any(e => e.Path == path), $"{because}: errors at {string.Join(", ", error.Errors.Select(e => e.Path))}, not {path}");
    }

    private static void Walk(JsonElement schema, string pointer, Action<string> found, int depth)
    {
        if (schema.ValueKind != JsonValueKind.Object || depth > 16) return;
        if (pointer.Length > 0 && schema.TryGetProperty("type", out JsonElement type) && IsInteger(type)) found(pointer);
        if (schema.TryGetProperty("properties", out JsonElement properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in properties.EnumerateObject())
            {
                Walk(property.Value, pointer + "/" + property.Name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal), found, depth + 1);
            }
        }

        if (schema.TryGetProperty("items", out JsonElement items) && items.ValueKind == JsonValueKind.Object)
        {
            Walk(items, pointer + "/0", found, depth + 1);
        }
    }

    private static bool IsInteger(JsonElement type) =>
        (type.ValueKind == JsonValueKind.String && type.ValueEquals("integer"))
        || (type.ValueKind == JsonValueKind.Array && type.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && t.ValueEquals("integer")));

    private static string Unescape(string token) => token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
}

/// <summary>What one run did: an action's outcome, a trigger's records, or the exception it threw.</summary>
public sealed record Outcome(ActionOutcome? Action, IReadOnlyList<PollRecord>? Records, Exception? Error);
