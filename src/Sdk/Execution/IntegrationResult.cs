using System.Text.Json;
using System.Text.Json.Serialization;

namespace Patchbay.Sdk;

/// <summary>
/// What an execution returns, as Autohive's wrapper sends it:
/// <c>{"version": "…", "type": "action" | "connected_account" | "error", "result": {…}}</c>.
/// </summary>
[JsonConverter(typeof(IntegrationResultConverter))]
public sealed class IntegrationResult
{
    private IntegrationResult(string type, ActionOutcome? outcome, ConnectedAccountInfo? account)
    {
        Type = type;
        Outcome = outcome;
        Account = account;
    }

    /// <summary>The SDK version that produced the result.</summary>
#pragma warning disable CA1822 // an instance property, so the result reads like the JSON it writes
    public string Version => SdkInfo.Version;
#pragma warning restore CA1822

    /// <summary><c>action</c>, <c>connected_account</c> or <c>error</c>.</summary>
    public string Type { get; }

    /// <summary>The action's result or error; <see langword="null"/> for a connected account.</summary>
    public ActionOutcome? Outcome { get; }

    /// <summary>The account for <c>connected_account</c> results.</summary>
    public ConnectedAccountInfo? Account { get; }

    /// <summary>Whether the handler reported an <see cref="ActionError"/>.</summary>
    public bool IsError => Type == ResultTypes.Error;

    /// <summary>Wraps an action outcome.</summary>
    public static IntegrationResult ForAction(ActionOutcome outcome) =>
        new(outcome is ActionError ? ResultTypes.Error : ResultTypes.Action, outcome, null);

    /// <summary>Wraps connected-account details.</summary>
    public static IntegrationResult ForAccount(ConnectedAccountInfo account) => new(ResultTypes.ConnectedAccount, null, account);

    /// <summary>
    /// Returns the pooled memory an action's data was built in (<see cref="ActionResult.FromJson"/>) to the pool; nothing
    /// for other results. Call it once the result has been written and nothing of it will be read again: the data of such
    /// a result throws <see cref="ObjectDisposedException"/> after. The platform calls it after writing the HTTP answer;
    /// not calling it is safe (the memory is then collected as garbage). Idempotent.
    /// </summary>
    public void Release() => (Outcome as ActionResult)?.Release();

    /// <summary>Writes the result as JSON.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("version", Version);
        writer.WriteString("type", Type);
        writer.WritePropertyName("result");
        switch (Outcome)
        {
            case ActionResult result:
                writer.WriteStartObject();
                writer.WritePropertyName("data");
                if (result.Data.ValueKind == JsonValueKind.Undefined) writer.WriteNullValue(); else result.Data.WriteTo(writer);
                WriteCost(writer, result.CostUsd);
                writer.WriteEndObject();
                break;
            case ActionError error:
                writer.WriteStartObject();
                writer.WriteString("message", error.Message);
                WriteCost(writer, error.CostUsd);
                writer.WriteEndObject();
                break;
            default:
                JsonSerializer.Serialize(writer, Account, ConnectorJson.Options);
                break;
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// Writes the result's JSON as UTF-8 to <paramref name="destination"/> (a response's body writer, a buffer), escaped for
    /// an <c>application/json</c> answer: served as JSON, never inside HTML, so apostrophes and non-ASCII text stay readable.
    /// </summary>
    public void WriteTo(System.Buffers.IBufferWriter<byte> destination)
    {
        using var writer = new Utf8JsonWriter(destination, s_writerOptions);
        WriteTo(writer);
    }

    /// <summary>The result as a JSON string, as <see cref="WriteTo(System.Buffers.IBufferWriter{byte})"/> writes it.</summary>
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        WriteTo(buffer);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void WriteCost(Utf8JsonWriter writer, decimal? cost)
    {
        if (cost is { } value) writer.WriteNumber("cost_usd", value);
    }

    private sealed class IntegrationResultConverter : JsonConverter<IntegrationResult>
    {
        public override IntegrationResult Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            JsonElement root = document.RootElement;
            string type = root.GetProperty("type").GetString() ?? ResultTypes.Action;
            JsonElement result = root.GetProperty("result");
            decimal? cost = result.ValueKind == JsonValueKind.Object && result.TryGetProperty("cost_usd", out JsonElement c) && c.ValueKind == JsonValueKind.Number ? c.GetDecimal() : null;
            return type switch
            {
                ResultTypes.Error => ForAction(new ActionError(result.GetProperty("message").GetString() ?? string.Empty) { CostUsd = cost }),
                ResultTypes.ConnectedAccount => ForAccount(result.Deserialize<ConnectedAccountInfo>(ConnectorJson.Options)!),
                _ => ForAction(new ActionResult(result.GetProperty("data").Clone()) { CostUsd = cost }),
            };
        }

        public override void Write(Utf8JsonWriter writer, IntegrationResult value, JsonSerializerOptions options) => value.WriteTo(writer);
    }
}

/// <summary>The values of <see cref="IntegrationResult.Type"/>.</summary>
public static class ResultTypes
{
    /// <summary>An action's data.</summary>
    public const string Action = "action";

    /// <summary>Connected-account details.</summary>
    public const string ConnectedAccount = "connected_account";

    /// <summary>An <see cref="ActionError"/>.</summary>
    public const string Error = "error";
}
