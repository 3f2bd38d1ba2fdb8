using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Patchbay.Platform.Connections;

/// <summary>The body of <c>POST /api/connections</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateConnectionRequest
{
    [JsonPropertyName("connector"), Description("The connector id, e.g. github.")]
    public required string Connector { get; init; }

    [JsonPropertyName("entity_id"), Description("Whose connection this is: your user or tenant id.")]
    public required string EntityId { get; init; }

    [JsonPropertyName("credentials"), Description("The fields GET /api/connectors/{connector} lists under auth.fields; stored encrypted, never returned. For an OAuth connector leave it out to start an authorization (or pass access_token to store a token you already have).")]
    public JsonObject? Credentials { get; init; }

    [JsonPropertyName("redirect_uri"), Description("OAuth only: where the user lands after consenting, with connection_id and status; must be one of Patchbay__OAuth__AllowedRedirectUris exactly.")]
    public string? RedirectUri { get; init; }

    [JsonPropertyName("scopes"), Description("OAuth only: scopes to ask for besides the connector's own.")]
    public IReadOnlyList<string>? Scopes { get; init; }
}

/// <summary>The body of <c>POST /api/connections/{id}/reconnect</c> (optional).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ReconnectConnectionRequest
{
    [JsonPropertyName("redirect_uri"), Description("Where the user lands after consenting; must be one of Patchbay__OAuth__AllowedRedirectUris exactly.")]
    public string? RedirectUri { get; init; }

    [JsonPropertyName("scopes"), Description("Scopes to ask for besides the connector's own.")]
    public IReadOnlyList<string>? Scopes { get; init; }
}
