using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Patchbay.Platform.Connect;

/// <summary>The body of <c>POST /api/connect-sessions</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateConnectSessionRequest
{
    [JsonPropertyName("entity_id"), Description("Whose connections the page creates: your user or tenant id.")]
    public required string EntityId { get; init; }

    [JsonPropertyName("connectors"), Description("The connectors the page offers (at most 20); every connector that needs auth when left out.")]
    public IReadOnlyList<string>? Connectors { get; init; }

    [JsonPropertyName("redirect_uri"), Description("Where the user lands afterwards, with connection_id and status; must be listed in Patchbay__OAuth__AllowedRedirectUris.")]
    public string? RedirectUri { get; init; }
}

/// <summary>The answer of <c>POST /api/connect-sessions</c>.</summary>
public sealed record ConnectSessionResponse(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("connect_url")] string ConnectUrl,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt,
    [property: JsonPropertyName("entity_id")] string EntityId,
    [property: JsonPropertyName("connectors")] IReadOnlyList<string> Connectors);
