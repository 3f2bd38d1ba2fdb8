using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Patchbay.Platform.Actions;
using Patchbay.Platform.Hosting;
using Patchbay.Platform.Storage;
using Patchbay.Sdk;

namespace Patchbay.Platform.Connections;

/// <summary>Connected accounts: create (validated and checked against the service), read without secrets, list by entity, delete.</summary>
public static class ConnectionsApi
{
    private static readonly HashSet<string> CreateFields = ["connector", "entity_id", "credentials"];

    public static RouteGroupBuilder MapConnections(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder group = routes.MapGroup("/api/connections").WithTags("Connections");
        group.MapPost("/", CreateAsync).WithName("CreateConnection")
            .WithSummary("Stores credentials for an entity, encrypted; ACTIVE when they check out, FAILED with the reason when not.");
        group.MapGet("/", ListAsync).WithName("ListConnections")
            .WithSummary($"Connections of one entity_id, or of all without it: the newest {ListAnswers.Limit}, newest first (X-Total-Count: how many matched); never secrets.");
        group.MapGet("/{id}", GetAsync).WithName("GetConnection").WithSummary($"One connection; never secrets. ?wait=N (at most {MaxWaitSeconds}) waits while it is INITIATED.");
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteConnection").WithSummary("Deletes a connection and its credentials.");
        return group;
    }

    public static async Task<Created<Connection>> CreateAsync(HttpRequest request, ActionInvoker invoker, ConnectionStore store, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        JsonElement body = await RequestBody.ReadObjectAsync(request, CreateFields, cancellationToken);
        string connectorId = RequestBody.RequiredString(body, "connector");
        string entityId = RequestBody.OptionalString(body, "entity_id") ?? Connection.DefaultEntityId;
        JsonElement credentials = RequestBody.OptionalObject(body, "credentials");
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
        logger.LogInformation("Connection {ConnectionId} created for {Connector} with status {Status}", connection.Id, connector.Id, connection.Status);
        return TypedResults.Created($"/api/connections/{connection.Id}", connection);
    }

    /// <summary>The longest <c>?wait=</c> a caller may ask for, in seconds.</summary>
    public const int MaxWaitSeconds = 60;

    // How often a waiting GET re-reads the connection row (any instance may complete the authorization).
    private static readonly TimeSpan s_waitPollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// One connection. With <c>?wait=N</c> (0–60 s) an INITIATED connection is re-read until its status changes or
    /// the time is up (Composio's wait_until_active), so a client can wait without hammering the API.
    /// </summary>
    public static async Task<Ok<Connection>> GetAsync(string id, ConnectionStore store, TimeProvider time, HttpRequest request, CancellationToken cancellationToken)
    {
        int wait = 0;
        if (request.Query["wait"].FirstOrDefault() is { } text
            && (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out wait) || wait > MaxWaitSeconds))
        {
            throw ApiProblem.BadRequest($"wait is a number of seconds from 0 to {MaxWaitSeconds}.", new FieldError("/wait", $"must be an integer from 0 to {MaxWaitSeconds}"));
        }

        Connection connection = await store.GetIfExistsAsync(id, cancellationToken) ?? throw ApiProblem.NotFound("Connection", $"There is no connection '{id}'.");
        DateTimeOffset deadline = time.GetUtcNow().AddSeconds(wait);
        while (connection.Status == ConnectionStatus.Initiated && time.GetUtcNow() < deadline)
        {
            TimeSpan left = deadline - time.GetUtcNow();
            await Task.Delay(left < s_waitPollInterval ? left : s_waitPollInterval, time, cancellationToken);
            connection = await store.GetIfExistsAsync(id, cancellationToken) ?? throw ApiProblem.NotFound("Connection", $"Connection '{id}' was deleted while waiting.");
        }

        return TypedResults.Ok(connection);
    }

    public static async Task<Ok<IReadOnlyList<Connection>>> ListAsync(ConnectionStore store, HttpResponse response, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "entity_id")] string? entityId,
        CancellationToken cancellationToken)
    {
        if (entityId is not null && string.IsNullOrWhiteSpace(entityId))
        {
            throw ApiProblem.BadRequest("entity_id must not be empty: leave it out to list every entity's connections.", new FieldError("/entity_id", "must be a non-empty string"));
        }

        ListPage<Connection> page = await store.ListAsync(entityId, ListAnswers.Limit, cancellationToken);
        response.Headers[ListAnswers.TotalCountHeader] = page.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(page.Items);
    }

    public static async Task<NoContent> DeleteAsync(string id, ConnectionStore store, CancellationToken cancellationToken) =>
        await store.DeleteAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : throw ApiProblem.NotFound("Connection", $"There is no connection '{id}'.");
}
