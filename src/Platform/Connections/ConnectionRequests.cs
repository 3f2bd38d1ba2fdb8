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

    [JsonPropertyName("credentials"), Description("The fields GET /api/connectors/{connector} lists under auth.fields; stored encrypted, never returned.")]
    public required JsonObject Credentials { get; init; }
}
