using System.Text.Json;
using System.Text.Json.Serialization;

namespace Patchbay.Sdk;

/// <summary>What an action handler returns: <see cref="ActionResult"/> or <see cref="ActionError"/>.</summary>
public abstract record ActionOutcome
{
    private protected ActionOutcome() { }

    /// <summary>Cost of the call in US dollars, for connectors with <c>supports_billing</c>.</summary>
    public decimal? CostUsd { get; init; }
}

/// <summary>A successful action: <see cref="Data"/> is validated against <c>output_schema</c>.</summary>
/// <example><code>return ActionResult.From(new { items, count = items.Count });</code></example>
public sealed record ActionResult(JsonElement Data) : ActionOutcome
{
    // The pooled memory Data lives in, when built by FromJson; returned to the pool by Release. Copied by `with`, so a copy
    // shares it: the result and its copies are one result to whoever runs the action.
    private IDisposable? _lease;

    /// <summary>Serializes <paramref name="value"/> (snake_case, nulls left out) as the result data.</summary>
    public static ActionResult From<T>(T value, decimal? costUsd = null) =>
        new(JsonSerializer.SerializeToElement(value, ConnectorJson.Options)) { CostUsd = costUsd };

    /// <summary>
    /// Writes the result data with <paramref name="write"/> into pooled memory and parses it there, once, with no copy: the
    /// cheapest way to answer a result built from parts (a status, headers, an upstream body written with
    /// <see cref="FetchResponse.WriteDataTo"/>). The data lives in that memory until whoever runs the action has written
    /// its answer and calls <see cref="IntegrationResult.Release"/> (the platform does, after the HTTP answer); reading
    /// <see cref="Data"/> after that throws <see cref="ObjectDisposedException"/>. So return the result and keep nothing of
    /// its data: for a value a handler keeps (a cache), use <see cref="ConnectorJson.ToElement"/>, whose element owns its
    /// memory. A result nobody releases is collected as garbage like any other. The data may be up to 128 levels deep (room
    /// for a 64-level upstream body inside the connector's own objects). A body written with
    /// <see cref="FetchResponse.WriteDataTo"/> is checked by that one parse; when it turns out not to be JSON,
    /// <paramref name="write"/> is called once more and the body written as text, so keep <paramref name="write"/> free of
    /// side effects.
    /// </summary>
    /// <example><code>
    /// return ActionResult.FromJson(response, static (writer, response) =>
    /// {
    ///     writer.WriteStartObject();
    ///     writer.WriteNumber("status", response.Status);
    ///     writer.WritePropertyName("body");
    ///     response.WriteDataTo(writer);
    ///     writer.WriteEndObject();
    /// });
    /// </code></example>
    /// <exception cref="ArgumentException">What was written is not one complete JSON value.</exception>
    public static ActionResult FromJson<TState>(TState state, Action<Utf8JsonWriter, TState> write, decimal? costUsd = null)
    {
        ArgumentNullException.ThrowIfNull(write);
        JsonElement data = PooledJsonBuffer.ToLeasedElement(state, write, out IDisposable lease);
        return new ActionResult(data) { CostUsd = costUsd, _lease = lease };
    }

    /// <summary>Returns the pooled memory of a <see cref="FromJson"/> result; nothing for any other. Idempotent.</summary>
    internal void Release() => _lease?.Dispose();
}

/// <summary>An expected failure (not found, quota exceeded): skips output validation and reaches the caller as an error result.</summary>
public sealed record ActionError(string Message) : ActionOutcome;

/// <summary>The account behind a set of credentials; every field optional.</summary>
public sealed record ConnectedAccountInfo
{
    /// <summary>The account's email.</summary>
    [JsonPropertyName("email")]
    public string? Email { get; init; }

    /// <summary>First name.</summary>
    [JsonPropertyName("first_name")]
    public string? FirstName { get; init; }

    /// <summary>Last name.</summary>
    [JsonPropertyName("last_name")]
    public string? LastName { get; init; }

    /// <summary>Login or handle.</summary>
    [JsonPropertyName("username")]
    public string? Username { get; init; }

    /// <summary>The service's id for the account.</summary>
    [JsonPropertyName("user_id")]
    public string? UserId { get; init; }

    /// <summary>Avatar image URL.</summary>
    [JsonPropertyName("avatar_url")]
    public string? AvatarUrl { get; init; }

    /// <summary>Organization or workspace.</summary>
    [JsonPropertyName("organization")]
    public string? Organization { get; init; }
}

/// <summary>One record from a poll: a stable <see cref="Id"/> (string or number) and its <see cref="Data"/>.</summary>
public sealed record PollRecord
{
    /// <summary>Creates a record with a string id.</summary>
    public PollRecord(string id, JsonElement data) : this(JsonSerializer.SerializeToElement(id), data) { }

    /// <summary>Creates a record with a numeric id.</summary>
    public PollRecord(long id, JsonElement data) : this(JsonSerializer.SerializeToElement(id), data) { }

    /// <summary>Creates a record from raw JSON values; the SDK checks the id is a string or number.</summary>
    [JsonConstructor]
    public PollRecord(JsonElement id, JsonElement data)
    {
        Id = id;
        Data = data;
    }

    /// <summary>The record id as JSON (string or number).</summary>
    public JsonElement Id { get; }

    /// <summary>The record data.</summary>
    public JsonElement Data { get; }

    /// <summary>The id as text (a number's JSON text), used for de-duplication.</summary>
    [JsonIgnore]
    public string Key => Id.ValueKind == JsonValueKind.String ? Id.GetString()! : Id.GetRawText();

    /// <summary>Serializes <paramref name="data"/> (snake_case) into a record.</summary>
    public static PollRecord From<T>(string id, T data) => new(id, JsonSerializer.SerializeToElement(data, ConnectorJson.Options));
}

/// <summary>The JSON settings connectors share: snake_case names, nulls left out when writing.</summary>
public static class ConnectorJson
{
    /// <summary>snake_case, case-insensitive reads, nulls skipped on write, numbers readable from strings.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Writes one JSON value with <paramref name="write"/> and returns it as an element that owns its memory. For a result
    /// built from parts (a status, some headers, an upstream body written with <see cref="FetchResponse.WriteDataTo"/>)
    /// it costs one parse and no reflection: the bytes are written into pooled memory, not into garbage. The value may be up
    /// to 128 levels deep. As for <see cref="ActionResult.FromJson"/>, <paramref name="write"/> may be called twice: keep it
    /// free of side effects.
    /// </summary>
    /// <example><code>
    /// JsonElement data = ConnectorJson.ToElement(response, static (writer, response) =>
    /// {
    ///     writer.WriteStartObject();
    ///     writer.WriteNumber("status", response.Status);
    ///     writer.WritePropertyName("body");
    ///     response.WriteDataTo(writer);
    ///     writer.WriteEndObject();
    /// });
    /// </code></example>
    /// <exception cref="ArgumentException">What was written is not one complete JSON value.</exception>
    public static JsonElement ToElement<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        return PooledJsonBuffer.ToElement(state, write);
    }
}
