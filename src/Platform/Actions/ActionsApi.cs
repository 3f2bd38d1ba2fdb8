using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Patchbay.Platform.Hosting;
using Patchbay.Sdk;

namespace Patchbay.Platform.Actions;

/// <summary>Running actions, connected-account lookups and on-demand polls.</summary>
public static class ActionsApi
{
    private static readonly HashSet<string> ActionFields = ApiDocumentation.FieldsOf<ExecuteActionRequest>();
    private static readonly HashSet<string> AccountFields = ApiDocumentation.FieldsOf<ConnectedAccountRequest>();
    private static readonly HashSet<string> PollFields = ApiDocumentation.FieldsOf<PollTriggerRequest>();

    public static RouteGroupBuilder MapActions(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder api = routes.MapGroup("/" + PatchbayRoutes.Prefix).WithTags("Actions");
        api.MapPost(PatchbayRoutes.ExecuteAction, ExecuteActionAsync).WithName("ExecuteAction")
            .WithSummary("Runs an action with inline auth or a connection_id; answers the IntegrationResult.")
            .WithJsonBody<ExecuteActionRequest>().Produces<IntegrationResponse>().WithPatchbayProblems(400, 404, 409, 413, 415, 429, 502, 503, 504);
        api.MapPost(PatchbayRoutes.ConnectedAccount, GetConnectedAccountAsync).WithName("GetConnectedAccount")
            .WithSummary("Describes the account behind the given auth or connection.")
            .WithJsonBody<ConnectedAccountRequest>().Produces<IntegrationResponse>().WithPatchbayProblems(400, 404, 409, 413, 415, 429, 502, 503, 504);
        api.MapPost(PatchbayRoutes.PollTrigger, PollAsync).WithName("PollTrigger")
            .WithSummary("Polls a trigger once, with last_poll_ts; answers the records.")
            .WithJsonBody<PollTriggerRequest>().WithPatchbayProblems(400, 404, 409, 413, 415, 429, 502, 503, 504);
        return api;
    }

    /// <summary>Runs the action; the answer is the result's JSON, written once to the response as UTF-8.</summary>
    public static async Task<IntegrationResultHttpResult> ExecuteActionAsync(string connector, string action, HttpRequest request, ActionInvoker invoker, CancellationToken cancellationToken)
    {
        JsonElement body = await RequestBody.ReadObjectAsync(request, ActionFields, cancellationToken);
        Connector target = invoker.GetConnector(connector);
        string? connectionId = RequestBody.OptionalString(body, "connection_id");
        PatchbayTelemetry.Describe(connectionId: connectionId);
        ILogger logger = invoker.ActionsLogger;
        using IDisposable? scope = logger.BeginScope(new LogScope(
            KeyValuePair.Create("Connector", (object?)connector), KeyValuePair.Create("Action", (object?)action), KeyValuePair.Create("ConnectionId", (object?)connectionId)));
        IntegrationResult result = await invoker.RunAsync(target, RequestBody.OptionalObject(body, "auth"), connectionId,
            auth => target.ExecuteActionAsync(action, RequestBody.OptionalObject(body, "inputs"), invoker.CreateContext(target, auth), cancellationToken), cancellationToken);
        logger.LogDebug("Action {Connector}.{Action} finished with result type {ResultType}", connector, action, result.Type);
        return new IntegrationResultHttpResult(result);
    }

    /// <summary>Describes the account; the answer is the result's JSON, written once to the response as UTF-8.</summary>
    public static async Task<IntegrationResultHttpResult> GetConnectedAccountAsync(string connector, HttpRequest request, ActionInvoker invoker, CancellationToken cancellationToken)
    {
        JsonElement body = await RequestBody.ReadObjectAsync(request, AccountFields, cancellationToken);
        Connector target = invoker.GetConnector(connector);
        string? connectionId = RequestBody.OptionalString(body, "connection_id");
        PatchbayTelemetry.Describe(connectionId: connectionId);
        IntegrationResult result = await invoker.RunAsync(target, RequestBody.OptionalObject(body, "auth"), connectionId,
            auth => target.GetConnectedAccountAsync(invoker.CreateContext(target, auth), cancellationToken), cancellationToken);
        return new IntegrationResultHttpResult(result);
    }

    public static async Task<Ok<PollResponse>> PollAsync(string connector, string trigger, HttpRequest request, ActionInvoker invoker, TimeProvider time, CancellationToken cancellationToken)
    {
        JsonElement body = await RequestBody.ReadObjectAsync(request, PollFields, cancellationToken);
        Connector target = invoker.GetConnector(connector);
        DateTimeOffset? lastPollTs = RequestBody.OptionalTimestamp(body, "last_poll_ts");
        string? connectionId = RequestBody.OptionalString(body, "connection_id");
        PatchbayTelemetry.Describe(connectionId: connectionId);
        DateTimeOffset polledAt = time.GetUtcNow();
        IReadOnlyList<PollRecord> records = await invoker.RunAsync(target, RequestBody.OptionalObject(body, "auth"), connectionId,
            auth => target.ExecutePollingTriggerAsync(trigger, RequestBody.OptionalObject(body, "inputs"), lastPollTs, invoker.CreateContext(target, auth), cancellationToken), cancellationToken);
        return TypedResults.Ok(new PollResponse(records, polledAt));
    }
}

/// <summary>The answer to an on-demand poll: the records, and when the poll started (the next <c>last_poll_ts</c>).</summary>
public sealed record PollResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("records")] IReadOnlyList<PollRecord> Records,
    [property: System.Text.Json.Serialization.JsonPropertyName("polled_at")] DateTimeOffset PolledAt);
