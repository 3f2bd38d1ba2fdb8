using System.Text.Json.Serialization;
using Patchbay.Sdk;

namespace Patchbay.Platform.Connections;

/// <summary>A connected account: whose it is, for which connector, and whether it works. Never carries secrets.</summary>
public sealed record Connection
{
    /// <summary>The <c>entity_id</c> of connections and subscriptions created without one (as Composio does).</summary>
    public const string DefaultEntityId = "default";

    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("connector")] public required string Connector { get; init; }
    [JsonPropertyName("entity_id")] public required string EntityId { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("status_reason")] public string? StatusReason { get; init; }
    [JsonPropertyName("auth_type")] public string? AuthType { get; init; }
    [JsonPropertyName("account")] public ConnectedAccountInfo? Account { get; init; }
    [JsonPropertyName("created_at")] public required DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("updated_at")] public required DateTimeOffset UpdatedAt { get; init; }
    [JsonPropertyName("expires_at")] public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Only in the answer that starts an OAuth authorization: where to send the user (valid until <see cref="ExpiresAt"/>).</summary>
    [JsonPropertyName("redirect_url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? RedirectUrl { get; init; }
}

/// <summary>
/// A connection's lifecycle. API-key, Basic and custom connections go straight to ACTIVE (or FAILED);
/// OAuth connections start INITIATED and become EXPIRED when a refresh fails.
/// </summary>
public static class ConnectionStatus
{
    public const string Initiated = "INITIATED";
    public const string Active = "ACTIVE";
    public const string Expired = "EXPIRED";
    public const string Failed = "FAILED";
}
