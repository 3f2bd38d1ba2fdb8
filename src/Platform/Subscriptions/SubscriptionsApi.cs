using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Patchbay.Platform.Actions;
using Patchbay.Platform.Connections;
using Patchbay.Platform.Hosting;
using Patchbay.Platform.Polling;
using Patchbay.Platform.Storage;
using Patchbay.Sdk;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Platform.Subscriptions;

/// <summary>Polling-trigger subscriptions: create (validated, with a one-time signing secret), read, list, delete, events, resume, poll now.</summary>
public static class SubscriptionsApi
{
    /// <summary>How many events <c>GET /api/subscriptions/{id}/events</c> answers at most.</summary>
    public const int EventsLimit = 100;

    // Table Storage keeps a string property up to 32K characters; the inputs live in one.
    private const int MaxInputsChars = InputLimits.MaxSubscriptionInputsChars;
    private static readonly HashSet<string> CreateFields = ApiDocumentation.FieldsOf<CreateSubscriptionRequest>();

    public static RouteGroupBuilder MapSubscriptions(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder api = routes.MapGroup("/" + PatchbayRoutes.Prefix).WithTags("Subscriptions");
        api.MapPost(PatchbayRoutes.Subscriptions, CreateAsync).WithName("CreateSubscription")
            .WithSummary("Subscribes a webhook or queue to a polling trigger; answers the subscription and, this once, its signing_secret.")
            .WithJsonBody<CreateSubscriptionRequest>().WithPatchbayProblems(400, 404, 409, 413, 415, 503);
        api.MapGet(PatchbayRoutes.Subscriptions, ListAsync).WithName("ListSubscriptions")
            .WithSummary($"Subscriptions of one entity_id, or of all without it: the newest {ListAnswers.Limit}, newest first (X-Total-Count: how many matched).").WithPatchbayProblems(400, 503);
        api.MapGet(PatchbayRoutes.Subscription, GetAsync).WithName("GetSubscription").WithSummary("One subscription's settings and poll state; never its secret.").WithPatchbayProblems(404, 503);
        api.MapDelete(PatchbayRoutes.Subscription, DeleteAsync).WithName("DeleteSubscription").WithSummary("Deletes a subscription; it is never polled again.").WithPatchbayProblems(404, 503);
        api.MapGet(PatchbayRoutes.SubscriptionEvents, ListEventsAsync).WithName("ListSubscriptionEvents")
            .WithSummary($"Recent deliveries (delivered, pending, failed attempts) and failed polls, newest first, at most {EventsLimit}.").WithPatchbayProblems(404, 503);
        api.MapPost(PatchbayRoutes.ResumeSubscription, ResumeAsync).WithName("ResumeSubscription")
            .WithSummary("Resumes a PAUSED subscription: failures reset, polled and retried on the next tick.").WithPatchbayProblems(404, 503);
        api.MapPost(PatchbayRoutes.PollSubscription, PollAsync).WithName("PollSubscription")
            .WithSummary("Polls the subscription now, due or not, as a tick would (claim, outbox, deliveries, state); 409 while a tick holds it or it is PAUSED.")
            .WithPatchbayProblems(404, 409, 503);
        return api;
    }

    public static async Task<Created<CreatedSubscription>> CreateAsync(HttpRequest request, ActionInvoker invoker, ConnectionStore connections, SubscriptionStore store,
        IOptions<PatchbayOptions> options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        JsonElement body = await RequestBody.ReadObjectAsync(request, CreateFields, cancellationToken);
        string connectorId = RequestBody.RequiredString(body, "connector");
        string triggerName = RequestBody.RequiredString(body, "trigger");
        string? requestedEntityId = RequestBody.OptionalString(body, "entity_id") is { } requested ? RequestBody.CheckEntityId(requested) : null;
        string? connectionId = RequestBody.OptionalString(body, "connection_id");
        bool deliverExisting = RequestBody.OptionalBool(body, "deliver_existing");
        JsonElement inputs = RequestBody.OptionalObject(body, "inputs");
        SubscriptionDestination destination = ReadDestination(body, options.Value.AllowPrivateNetworks);
        PatchbayTelemetry.Describe(connector: connectorId, trigger: triggerName, connectionId: connectionId);

        Connector connector = invoker.GetConnector(connectorId);
        if (!connector.Manifest.PollingTriggers.TryGetValue(triggerName, out PollingTriggerDefinition? trigger))
        {
            string known = connector.Manifest.PollingTriggers.Count == 0 ? "It has none." : "It has: " + string.Join(", ", connector.Manifest.PollingTriggers.Keys) + ".";
            throw ApiProblem.NotFound("Trigger", $"Connector '{connector.Id}' has no polling trigger '{RequestBody.Quote(triggerName)}'. {known}");
        }

        if (inputs.ValueKind == JsonValueKind.Undefined) inputs = JsonDocument.Parse("{}").RootElement.Clone();
        inputs = trigger.Defaults.Apply(inputs);
        if (!trigger.Input.IsValid(inputs))
        {
            FieldError[] errors = [.. trigger.Input.Validate(inputs).Errors.Select(e => new FieldError("/inputs" + e.InstancePath, e.Message))];
            throw new ApiProblem(400, ProblemTypes.ValidationFailed, "The inputs are not valid", $"The inputs do not match the input_schema of {connector.Id}.{triggerName}.", errors);
        }

        string inputsJson = inputs.GetRawText();
        if (inputsJson.Length > MaxInputsChars)
        {
            throw ApiProblem.BadRequest($"inputs are limited to {MaxInputsChars} characters of JSON.", new FieldError("/inputs", $"is {inputsJson.Length} characters; at most {MaxInputsChars}"));
        }

        if (connector.Manifest.Auth.IsRequired)
        {
            if (connectionId is null)
            {
                throw ApiProblem.BadRequest($"Connector '{connector.Id}' needs auth: create a connection (POST /api/connections) and pass its connection_id.",
                    new FieldError("/connection_id", "is required for a connector with auth"));
            }

            Connection connection = await connections.GetIfExistsAsync(connectionId, cancellationToken)
                ?? throw ConnectionsApi.NotFound(connectionId);
            if (connection.Connector != connector.Id)
            {
                throw ApiProblem.BadRequest($"Connection '{connectionId}' belongs to connector '{connection.Connector}', not '{connector.Id}'.", new FieldError("/connection_id", "belongs to another connector"));
            }

            if (requestedEntityId is not null && connection.EntityId != requestedEntityId)
            {
                throw ApiProblem.BadRequest($"Connection '{connectionId}' belongs to another entity_id; leave entity_id out to use the connection's.", new FieldError("/connection_id", "belongs to another entity"));
            }

            requestedEntityId ??= connection.EntityId;

            if (connection.Status != ConnectionStatus.Active)
            {
                throw new ApiProblem(409, ProblemTypes.ConnectionNotActive, "The connection is not active", ActionInvoker.NotActive(connection));
            }
        }
        else if (connectionId is not null)
        {
            throw ApiProblem.BadRequest($"Connector '{connector.Id}' needs no auth; leave connection_id out.", new FieldError("/connection_id", "is not used by this connector"));
        }

        string entityId = requestedEntityId ?? Connection.DefaultEntityId;
        CreatedSubscription created = await store.CreateAsync(
            new NewSubscription(connector.Id, triggerName, inputsJson, connectionId, entityId, destination, deliverExisting), cancellationToken);
        PatchbayTelemetry.Describe(subscriptionId: created.Id);
        loggers.CreateLogger("Patchbay.Subscriptions").LogInformation(
            "Subscription {SubscriptionId} created for {Connector}.{Trigger}, entity {EntityId}, delivering to a {DestinationType}",
            created.Id, connector.Id, triggerName, entityId, destination.Type);
        return TypedResults.Created($"/api/subscriptions/{created.Id}", created);
    }

    public static async Task<Ok<Subscription>> GetAsync(string id, SubscriptionStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.GetIfExistsAsync(id, cancellationToken) ?? throw NotFound(id));

    public static async Task<Ok<IReadOnlyList<Subscription>>> ListAsync(SubscriptionStore store, HttpResponse response, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "entity_id")] string? entityId,
        CancellationToken cancellationToken)
    {
        if (entityId is not null && string.IsNullOrWhiteSpace(entityId))
        {
            throw ApiProblem.BadRequest("entity_id must not be empty: leave it out to list every entity's subscriptions.", new FieldError("/entity_id", "must be a non-empty string"));
        }

        ListPage<Subscription> page = await store.ListAsync(entityId is null ? null : RequestBody.CheckEntityId(entityId), ListAnswers.Limit, cancellationToken);
        response.Headers[ListAnswers.TotalCountHeader] = page.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(page.Items);
    }

    public static async Task<NoContent> DeleteAsync(string id, SubscriptionStore store, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(id, cancellationToken)) throw NotFound(id);
        loggers.CreateLogger("Patchbay.Subscriptions").LogInformation("Subscription {SubscriptionId} deleted", id);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<IReadOnlyList<SubscriptionEvent>>> ListEventsAsync(string id, SubscriptionStore store, CancellationToken cancellationToken)
    {
        if (await store.GetIfExistsAsync(id, cancellationToken) is null) throw NotFound(id);
        return TypedResults.Ok(await store.ListEventsAsync(id, EventsLimit, cancellationToken));
    }

    public static async Task<Ok<Subscription>> ResumeAsync(string id, SubscriptionStore store, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        Subscription subscription = await store.ResumeAsync(id, cancellationToken) ?? throw NotFound(id);
        loggers.CreateLogger("Patchbay.Subscriptions").LogInformation("Subscription {SubscriptionId} resumed", id);
        return TypedResults.Ok(subscription);
    }

    public static async Task<Ok<SubscriptionPollResult>> PollAsync(string id, Poller poller, CancellationToken cancellationToken)
    {
        RunResult result = await poller.PollNowAsync(id, cancellationToken);
        return result switch
        {
            { Status: RunStatus.Done, State: { } state, Report: { } report } => TypedResults.Ok(SubscriptionPollResult.From(state.ToSubscription(), report)),
            { Status: RunStatus.Leased, State: not null } held => throw new ApiProblem(409, ProblemTypes.SubscriptionBusy, "The subscription is being polled",
                $"Subscription '{id}' is held by another tick" + (held.HeldUntil is { } until ? $" (its lease runs until {until:O} at the latest)" : string.Empty)
                + "; its deliveries and poll state are that tick's to write. Try again when it is done: GET /api/subscriptions/{id} shows the outcome."),
            { Status: RunStatus.Paused, State: { } paused } => throw new ApiProblem(409, ProblemTypes.SubscriptionPaused, "The subscription is paused",
                $"Subscription '{id}' is PAUSED ({paused.PausedReason ?? "no reason recorded"}); POST /api/subscriptions/{id}/resume first."),
            _ => throw NotFound(id),
        };
    }

    private static ApiProblem NotFound(string id) => ApiProblem.NotFound("Subscription", SubscriptionStore.IsWellFormedId(id)
        ? $"There is no subscription '{id}'."
        : $"There is no subscription '{RequestBody.Quote(id)}': subscription ids are sub_ followed by 32 lowercase hex digits, as POST /api/subscriptions answers them.");

    private static SubscriptionDestination ReadDestination(JsonElement body, bool allowPrivateNetworks)
    {
        if (!body.TryGetProperty("destination", out JsonElement destination) || destination.ValueKind == JsonValueKind.Null)
        {
            throw ApiProblem.BadRequest("destination is required.", new FieldError("/destination", "is required: {\"type\":\"webhook\",\"url\":\"https://...\"} or {\"type\":\"queue\",\"name\":\"...\"}"));
        }

        if (destination.ValueKind != JsonValueKind.Object)
        {
            throw ApiProblem.BadRequest("destination must be an object.", new FieldError("/destination", $"must be an object, not {destination.ValueKind.ToString().ToLowerInvariant()}"));
        }

        string? type = StringField(destination, "type");
        switch (type)
        {
            case SubscriptionDestination.Webhook:
                Only(destination, "url");
                string url = StringField(destination, "url") ?? throw Bad("/destination/url", "is required for a webhook");
                return new SubscriptionDestination { Type = type, Url = CheckWebhookUrl(url, allowPrivateNetworks) };
            case SubscriptionDestination.Queue:
                Only(destination, "name");
                string name = StringField(destination, "name") ?? throw Bad("/destination/name", "is required for a queue");
                if (!StorageQueueName.IsValid(name))
                {
                    throw Bad("/destination/name", "must be a valid Azure Storage queue name: 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit");
                }

                return new SubscriptionDestination { Type = type, Name = name };
            case null:
                throw Bad("/destination/type", "is required: webhook or queue");
            default:
                throw Bad("/destination/type", $"must be webhook or queue, not '{type}'");
        }
    }

    internal static string CheckWebhookUrl(string url, bool allowPrivateNetworks)
    {
        if (url.Length > InputLimits.MaxWebhookUrlChars)
        {
            throw Bad("/destination/url", $"is {url.Length} characters; at most {InputLimits.MaxWebhookUrlChars}");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
        {
            throw Bad("/destination/url", "must be an absolute http or https URL");
        }

        string? refusal = null;
        if (IPAddress.TryParse(uri.DnsSafeHost, out IPAddress? address))
        {
            refusal = NetworkAddressPolicy.GetRefusal(address, allowPrivateNetworks) is { } reason ? $"{address}, {reason}" : null;
        }
        else if (!allowPrivateNetworks && (uri.IsLoopback || uri.DnsSafeHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)))
        {
            refusal = $"{uri.DnsSafeHost}, loopback";
        }

        // Host names are checked again on every delivery, against the addresses they resolve to.
        return refusal is null ? url : throw Bad("/destination/url", $"must not point at {refusal}");
    }

    private static void Only(JsonElement destination, string field)
    {
        FieldError[] unknown = [.. destination.EnumerateObject().Where(p => p.Name != "type" && p.Name != field)
            .Select(p => new FieldError("/destination/" + p.Name, $"is not a known field; expected type and {field}"))];
        if (unknown.Length > 0) throw ApiProblem.BadRequest("destination has fields Patchbay does not know.", unknown);
    }

    private static string? StringField(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString())) throw Bad("/destination/" + name, "must be a non-empty string");
        return value.GetString();
    }

    private static ApiProblem Bad(string path, string message) => ApiProblem.BadRequest($"destination is not valid: {path[13..]} {message}.", new FieldError(path, message));
}
