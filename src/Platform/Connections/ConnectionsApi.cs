using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Patchbay.Platform.Actions;
using Patchbay.Platform.Hosting;
using Patchbay.Sdk;

namespace Patchbay.Platform.Connections;

/// <summary>Connected accounts: create (validated and checked against the service), read without secrets, list by entity, delete.</summary>
public static class ConnectionsApi
{
    private static readonly HashSet<string> CreateFields = ["connector", "entity_id", "credentials"];

    public static RouteGroupBuilder MapConnections(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder api = routes.MapGroup("/" + PatchbayRoutes.Prefix).WithTags("Connections");
        api.MapPost(PatchbayRoutes.Connections, CreateAsync).WithName("CreateConnection")
            .WithSummary("Stores credentials for an entity, encrypted; ACTIVE when they check out, FAILED with the reason when not.");
        api.MapGet(PatchbayRoutes.Connections, ListAsync).WithName("ListConnections").WithSummary("Connections of one entity_id, newest first; never secrets.");
        api.MapGet(PatchbayRoutes.Connection, GetAsync).WithName("GetConnection").WithSummary("One connection; never secrets.");
        api.MapDelete(PatchbayRoutes.Connection, DeleteAsync).WithName("DeleteConnection").WithSummary("Deletes a connection and its credentials.");
        return api;
    }

    public static async Task<Created<Connection>> CreateAsync(HttpRequest request, ActionInvoker invoker, ConnectionStore store, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        JsonElement body = await RequestBody.ReadObjectAsync(request, CreateFields, cancellationToken);
        string connectorId = RequestBody.RequiredString(body, "connector");
        string entityId = RequestBody.RequiredString(body, "entity_id");
        JsonElement credentials = RequestBody.OptionalObject(body, "credentials");
        PatchbayTelemetry.Describe(connector: connectorId);
        Connector connector = invoker.GetConnector(connectorId);
        if (!connector.Manifest.Auth.IsRequired)
        {
            throw ApiProblem.BadRequest($"Connector '{connectorId}' needs no auth, so it has no connections; call its actions without auth.", new FieldError("/connector", "needs no auth"));
        }

        if (credentials.ValueKind != JsonValueKind.Object)
        {
            throw ApiProblem.BadRequest("credentials is required.", new FieldError("/credentials", "is required: an object with the fields GET /api/connectors/{connector} lists under auth.fields"));
        }

        ConnectorAuth auth = connector.ReadAuth(credentials);
        try
        {
            connector.ValidateAuth(auth);
        }
        catch (ValidationError ex)
        {
            throw new ApiProblem(400, ProblemTypes.ValidationFailed, "The credentials are not valid", ex.Message, [.. ex.Errors.Select(e => e with { Path = "/credentials" + e.Path })]);
        }

        ILogger logger = loggers.CreateLogger("Patchbay.Connections");
        string status = ConnectionStatus.Active;
        string? reason = null;
        ConnectedAccountInfo? account = null;
        if (connector.HasConnectedAccountHandler)
        {
            try
            {
                account = (await connector.GetConnectedAccountAsync(invoker.CreateContext(connector, auth), cancellationToken)).Account;
            }
            catch (Exception ex) when (ex is HttpError or TimeoutException or HttpRequestException or FetchBlockedException or ValidationError)
            {
                status = ConnectionStatus.Failed;
                reason = ex switch
                {
                    HttpError http => $"The account check was refused by the service: HTTP {http.Status} {http.ResponseMessage}",
                    TimeoutException => "The account check timed out",
                    _ => "The account check failed: " + ex.Message,
                };
                logger.LogWarning("Connection for {Connector} and entity {EntityId} failed its account check: {Reason}", connectorId, entityId, reason);
            }
        }

        Connection connection = await store.CreateAsync(connector.Id, entityId, auth, status, reason, account, cancellationToken);
        PatchbayTelemetry.Describe(connectionId: connection.Id);
        logger.LogInformation("Connection {ConnectionId} created for {Connector} with status {Status}", connection.Id, connector.Id, connection.Status);
        return TypedResults.Created($"/api/connections/{connection.Id}", connection);
    }

    public static async Task<Ok<Connection>> GetAsync(string id, ConnectionStore store, CancellationToken cancellationToken) =>
        await store.GetIfExistsAsync(id, cancellationToken) is { } connection
            ? TypedResults.Ok(connection)
            : throw ApiProblem.NotFound("Connection", $"There is no connection '{id}'.");

    public static async Task<Ok<IReadOnlyList<Connection>>> ListAsync(ConnectionStore store, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "entity_id")] string? entityId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(entityId))
        {
            throw ApiProblem.BadRequest("entity_id is required: GET /api/connections?entity_id=<your user id>.", new FieldError("/entity_id", "is required"));
        }

        return TypedResults.Ok(await store.ListByEntityAsync(entityId, cancellationToken));
    }

    public static async Task<NoContent> DeleteAsync(string id, ConnectionStore store, CancellationToken cancellationToken) =>
        await store.DeleteAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : throw ApiProblem.NotFound("Connection", $"There is no connection '{id}'.");
}
