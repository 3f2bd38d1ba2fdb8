using System.Text.Json;
using System.Text.Json.Nodes;

namespace Patchbay.Client;

public partial class PatchbayClient
{
    /// <summary>Subscribes a webhook or queue to a polling trigger; the answer holds the signing secret, this once.</summary>
    /// <exception cref="PatchbayException">400 with the fields at fault, 404 unknown connector, trigger or connection.</exception>
    public virtual async Task<CreatedSubscription> CreateSubscriptionAsync(SubscriptionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new JsonObject
        {
            ["connector"] = request.Connector,
            ["trigger"] = request.Trigger,
            ["destination"] = JsonSerializer.SerializeToNode(request.Destination, ClientJson.Options),
        };
        if (request.Inputs is not null) body["inputs"] = request.Inputs is ActionInputs typed ? typed.ToJson() : JsonNode.Parse(ClientJson.ToElement(request.Inputs).GetRawText());
        if (request.ConnectionId is not null) body["connection_id"] = request.ConnectionId;
        if (request.EntityId is not null) body["entity_id"] = request.EntityId;
        if (request.DeliverExisting is { } deliverExisting) body["deliver_existing"] = deliverExisting;
        return ClientJson.Read<CreatedSubscription>(await SendAsync(HttpMethod.Post, "api/subscriptions", body, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>One subscription and its poll state.</summary>
    /// <exception cref="PatchbayException">404 when there is none.</exception>
    public virtual async Task<PatchbaySubscription> GetSubscriptionAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return ClientJson.Read<PatchbaySubscription>(await SendAsync(HttpMethod.Get, $"api/subscriptions/{Escape(id)}", null, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Subscriptions of one entity, newest first; every subscription when <paramref name="entityId"/> is <see langword="null"/>.</summary>
    public virtual async Task<IReadOnlyList<PatchbaySubscription>> ListSubscriptionsAsync(string? entityId = null, CancellationToken cancellationToken = default) =>
        ClientJson.Read<List<PatchbaySubscription>>(await SendAsync(HttpMethod.Get, Query("api/subscriptions", ("entity_id", entityId)), null, cancellationToken).ConfigureAwait(false));

    /// <summary>Deletes a subscription; it is never polled again.</summary>
    /// <exception cref="PatchbayException">404 when there is none.</exception>
    public virtual async Task DeleteSubscriptionAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        await SendAsync(HttpMethod.Delete, $"api/subscriptions/{Escape(id)}", null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Recent deliveries and failed polls, newest first.</summary>
    /// <exception cref="PatchbayException">404 when there is none.</exception>
    public virtual async Task<IReadOnlyList<SubscriptionEvent>> GetSubscriptionEventsAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return ClientJson.Read<List<SubscriptionEvent>>(await SendAsync(HttpMethod.Get, $"api/subscriptions/{Escape(id)}/events", null, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Resumes a PAUSED subscription.</summary>
    /// <exception cref="PatchbayException">404 when there is none.</exception>
    public virtual async Task<PatchbaySubscription> ResumeSubscriptionAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return ClientJson.Read<PatchbaySubscription>(await SendAsync(HttpMethod.Post, $"api/subscriptions/{Escape(id)}/resume", null, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Polls a subscription now, due or not, through the tick's own path (<c>POST /api/subscriptions/{id}/poll</c>).</summary>
    /// <exception cref="PatchbayException">404 when there is none; 409 while a tick holds it or while it is PAUSED.</exception>
    public virtual async Task<SubscriptionPollResult> PollSubscriptionAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return ClientJson.Read<SubscriptionPollResult>(await SendAsync(HttpMethod.Post, $"api/subscriptions/{Escape(id)}/poll", null, cancellationToken).ConfigureAwait(false));
    }
}
