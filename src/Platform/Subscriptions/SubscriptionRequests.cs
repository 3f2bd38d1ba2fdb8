using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Patchbay.Platform.Subscriptions;

/// <summary>The body of <c>POST /api/subscriptions</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateSubscriptionRequest
{
    [JsonPropertyName("connector"), Description("The connector id.")]
    public required string Connector { get; init; }

    [JsonPropertyName("trigger"), Description("One of the connector's polling_triggers.")]
    public required string Trigger { get; init; }

    [JsonPropertyName("inputs"), Description("The trigger's inputs, checked against its input_schema after its defaults are applied.")]
    public JsonObject? Inputs { get; init; }

    [JsonPropertyName("connection_id"), Description("Required for a connector with auth: an ACTIVE connection of the same connector and entity_id.")]
    public string? ConnectionId { get; init; }

    [JsonPropertyName("entity_id"), Description("Whose subscription this is: your user or tenant id.")]
    public required string EntityId { get; init; }

    [JsonPropertyName("destination"), Description("{\"type\":\"webhook\",\"url\":\"https://…\"} or {\"type\":\"queue\",\"name\":\"…\"}.")]
    public required SubscriptionDestination Destination { get; init; }

    [JsonPropertyName("deliver_existing"), Description("Deliver the records the first poll finds, instead of only newer ones.")]
    public bool? DeliverExisting { get; init; }
}
