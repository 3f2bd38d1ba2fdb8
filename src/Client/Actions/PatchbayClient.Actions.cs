using System.Text.Json;
using System.Text.Json.Nodes;

namespace Patchbay.Client;

public partial class PatchbayClient
{
    /// <summary>Runs an action through a stored connection, or with inline <paramref name="auth"/>, or without auth.</summary>
    /// <param name="connector">The connector's id.</param>
    /// <param name="action">The action's name.</param>
    /// <param name="inputs">The inputs: an object, a dictionary, <see cref="ActionInputs"/> or JSON.</param>
    /// <param name="connectionId">A connection to run through (its credentials, refreshed if needed).</param>
    /// <param name="auth">Inline credentials instead of a connection.</param>
    /// <param name="cancellationToken">Cancels the call (and the upstream request).</param>
    /// <exception cref="PatchbayException">400 bad inputs (each with its path), 404 unknown connector/action/connection, 409 connection not active, 429/502/504 upstream failures.</exception>
    public virtual async Task<ActionRunResult> ExecuteActionAsync(string connector, string action, object? inputs = null, string? connectionId = null, object? auth = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connector);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        JsonObject body = RunBody(inputs, connectionId, auth);
        JsonElement answer = await SendAsync(HttpMethod.Post, $"api/connectors/{Escape(connector)}/actions/{Escape(action)}", body, cancellationToken).ConfigureAwait(false);
        return new ActionRunResult(answer);
    }

    /// <summary>Runs <paramref name="action"/> with its <see cref="PatchbayAction.Inputs"/>.</summary>
    /// <exception cref="PatchbayException">As <see cref="ExecuteActionAsync(string, string, object?, string?, object?, CancellationToken)"/>.</exception>
    public virtual Task<ActionRunResult> ExecuteActionAsync(PatchbayAction action, string? connectionId = null, object? auth = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        return ExecuteActionAsync(action.Connector, action.Name, action.Inputs, connectionId, auth, cancellationToken);
    }

    /// <summary>Runs an action through <paramref name="connection"/>.</summary>
    /// <exception cref="PatchbayException">As <see cref="ExecuteActionAsync(string, string, object?, string?, object?, CancellationToken)"/>.</exception>
    public virtual Task<ActionRunResult> ExecuteActionAsync(PatchbayConnection connection, string action, object? inputs = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return ExecuteActionAsync(connection.Connector, action, inputs, connection.Id, null, cancellationToken);
    }

    /// <summary>Polls a trigger once (no subscription): the records since <paramref name="lastPollTs"/>.</summary>
    /// <exception cref="PatchbayException">As for actions.</exception>
    public virtual async Task<PollResult> PollAsync(string connector, string trigger, object? inputs = null, DateTimeOffset? lastPollTs = null, string? connectionId = null, object? auth = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connector);
        ArgumentException.ThrowIfNullOrWhiteSpace(trigger);
        JsonObject body = RunBody(inputs, connectionId, auth);
        if (lastPollTs is { } since) body["last_poll_ts"] = since.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        JsonElement answer = await SendAsync(HttpMethod.Post, $"api/connectors/{Escape(connector)}/triggers/{Escape(trigger)}/poll", body, cancellationToken).ConfigureAwait(false);
        return ClientJson.Read<PollResult>(answer);
    }

    private static JsonObject RunBody(object? inputs, string? connectionId, object? auth)
    {
        if (connectionId is not null && auth is not null) throw new ArgumentException("Pass a connection id or inline auth, not both.", nameof(auth));
        var body = new JsonObject();
        if (inputs is not null) body["inputs"] = inputs is ActionInputs typed ? typed.ToJson() : JsonNode.Parse(ClientJson.ToElement(inputs).GetRawText());
        if (connectionId is not null) body["connection_id"] = connectionId;
        if (auth is not null) body["auth"] = JsonNode.Parse(ClientJson.ToElement(auth).GetRawText());
        return body;
    }
}

/// <summary>The records one poll found, and when it started (the next <c>last_poll_ts</c>).</summary>
public sealed record PollResult
{
    /// <summary>The records, each with an id and data.</summary>
    public IReadOnlyList<PolledRecord> Records { get; init; } = [];

    /// <summary>When the poll started.</summary>
    public DateTimeOffset PolledAt { get; init; }
}

/// <summary>One record a trigger found.</summary>
public sealed record PolledRecord
{
    /// <summary>The record's stable id; a numeric id is given as its JSON text (<c>42</c>).</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(RecordIdConverter))]
    public required string Id { get; init; }

    /// <summary>The record (matches the trigger's output schema).</summary>
    public JsonElement Data { get; init; }
}

/// <summary>Reads a record id that a connector gave as a string or a number.</summary>
internal sealed class RecordIdConverter : System.Text.Json.Serialization.JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString()!,
            JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
            _ => throw new JsonException($"A record id must be a string or a number, not {reader.TokenType}."),
        };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
