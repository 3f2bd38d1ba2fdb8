using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Patchbay.Platform.Actions;

/// <summary>The body of <c>POST /api/connectors/{connector}/actions/{action}</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ExecuteActionRequest
{
    [JsonPropertyName("inputs"), Description("The action's inputs, checked against its input_schema after its defaults are applied.")]
    public JsonObject? Inputs { get; init; }

    [JsonPropertyName("auth"), Description("Inline credentials, checked against the connector's auth.fields; or pass connection_id.")]
    public JsonObject? Auth { get; init; }

    [JsonPropertyName("connection_id"), Description("A stored connection (con_…) whose credentials to use instead of auth.")]
    public string? ConnectionId { get; init; }
}

/// <summary>The body of <c>POST /api/connectors/{connector}/connected-account</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ConnectedAccountRequest
{
    [JsonPropertyName("auth"), Description("Inline credentials, checked against the connector's auth.fields; or pass connection_id.")]
    public JsonObject? Auth { get; init; }

    [JsonPropertyName("connection_id"), Description("A stored connection (con_…) whose account to describe.")]
    public string? ConnectionId { get; init; }
}

/// <summary>The body of <c>POST /api/connectors/{connector}/triggers/{trigger}/poll</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PollTriggerRequest
{
    [JsonPropertyName("inputs"), Description("The trigger's inputs, checked against its input_schema after its defaults are applied.")]
    public JsonObject? Inputs { get; init; }

    [JsonPropertyName("auth"), Description("Inline credentials, checked against the connector's auth.fields; or pass connection_id.")]
    public JsonObject? Auth { get; init; }

    [JsonPropertyName("connection_id"), Description("A stored connection (con_…) whose credentials to use instead of auth.")]
    public string? ConnectionId { get; init; }

    [JsonPropertyName("last_poll_ts"), Description("The polled_at of the previous poll (ISO 8601); records since then.")]
    public DateTimeOffset? LastPollTs { get; init; }
}

/// <summary>What an action or a connected-account lookup answers: the connector's IntegrationResult.</summary>
public sealed record IntegrationResponse
{
    [JsonPropertyName("version"), Description("The SDK version that produced the result.")]
    public required string Version { get; init; }

    [JsonPropertyName("type"), Description("action, connected_account, or error (an expected failure such as not found, with its message).")]
    public required string Type { get; init; }

    [JsonPropertyName("result"), Description("action: {data, cost_usd?}; error: {message, cost_usd?}; connected_account: the account.")]
    public required JsonObject Result { get; init; }
}
