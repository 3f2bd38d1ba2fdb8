using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Patchbay.Platform.Actions;
using Patchbay.Platform.Hosting;
using Patchbay.Platform.Storage;
using Patchbay.Sdk;

namespace Patchbay.Platform.Connections;

/// <summary>Connected accounts: create (validated and checked against the service), read without secrets, list by entity, check again, delete.</summary>
public static class ConnectionsApi
{
    private static readonly HashSet<string> CreateFields = ApiDocumentation.FieldsOf<CreateConnectionRequest>();

    public static RouteGroupBuilder MapConnections(this IEndpointRouteBuilder routes)
    {
        RouteGroupBuilder api = routes.MapGroup("/" + PatchbayRoutes.Prefix).WithTags("Connections");
        api.MapPost(PatchbayRoutes.Connections, CreateAsync).WithName("CreateConnection")
            .WithSummary("Stores credentials for an entity, encrypted; ACTIVE when they check out, FAILED with the reason when not.")
            .WithJsonBody<CreateConnectionRequest>().WithPatchbayProblems(400, 404, 409, 413, 415, 503);
        api.MapGet(PatchbayRoutes.Connections, ListAsync).WithName("ListConnections")
            .WithSummary($"Connections of one entity_id, or of all without it: the newest {ListAnswers.Limit}, newest first (X-Total-Count: how many matched); never secrets.").WithPatchbayProblems(400, 503);
        api.MapGet(PatchbayRoutes.Connection, GetAsync).WithName("GetConnection")
            .WithSummary($"One connection; never secrets. ?wait=N (at most {MaxWaitSeconds}) waits while it is INITIATED.").WithPatchbayProblems(400, 404, 503);
        api.MapPost(PatchbayRoutes.CheckConnection, CheckAsync).WithName("CheckConnection")
            .WithSummary("Runs the connected-account check again and records the outcome: ACTIVE, or FAILED with the reason.").WithPatchbayProblems(404, 409, 503);
        api.MapDelete(PatchbayRoutes.Connection, DeleteAsync).WithName("DeleteConnection").WithSummary("Deletes a connection and its credentials.").WithPatchbayProblems(404, 503);
        return api;
    }

    public static async Task<Created<Connection>> CreateAsync(HttpRequest request, ActionInvoker invoker, ConnectionStore store, OAuth.OAuthConnections oauth, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        JsonElement body = await RequestBody.ReadObjectAsync(request, CreateFields, cancellationToken);
        string connectorId = RequestBody.RequiredString(body, "connector");
        string entityId = RequestBody.CheckEntityId(RequestBody.OptionalString(body, "entity_id") ?? Connection.DefaultEntityId);
        JsonElement credentials = RequestBody.OptionalObject(body, "credentials");
        PatchbayTelemetry.Describe(connector: connectorId);
        Connector connector = invoker.GetConnector(connectorId);
        if (connector.Manifest.Auth.IsOAuth && credentials.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            // No token to store: start an authorization; the user finishes it at redirect_url.
            Connection initiated = await oauth.InitiateAsync(connector, entityId, RequestBody.OptionalString(body, "redirect_uri"), OAuth.OAuthConnections.ReadScopes(body), cancellationToken);
            PatchbayTelemetry.Describe(connectionId: initiated.Id);
            return TypedResults.Created($"/api/connections/{initiated.Id}", initiated);
        }

        if (body.TryGetProperty("redirect_uri", out _) || body.TryGetProperty("scopes", out _))
        {
            throw ApiProblem.BadRequest("redirect_uri and scopes belong to an OAuth authorization, which starts when credentials are left out; remove them to store credentials.",
                new FieldError(body.TryGetProperty("redirect_uri", out _) ? "/redirect_uri" : "/scopes", "only without credentials, for an OAuth connector"));
        }

        Connection connection = await CreateWithCredentialsAsync(connector, entityId, credentials, invoker, store, loggers, cancellationToken);
        return TypedResults.Created($"/api/connections/{connection.Id}", connection);
    }

    /// <summary>
    /// The core of <c>POST /api/connections</c> for credentials a caller supplies (custom and API-key auth), shared with the
    /// hosted connect page: checks the connector needs auth, reads and validates the credentials (errors point into
    /// <c>/credentials</c>), runs the connected-account check and stores the connection, ACTIVE or FAILED with the reason.
    /// </summary>
    public static async Task<Connection> CreateWithCredentialsAsync(Connector connector, string entityId, JsonElement credentials, ActionInvoker invoker, ConnectionStore store,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!connector.Manifest.Auth.IsRequired)
        {
            throw ApiProblem.BadRequest($"Connector '{connector.Id}' needs no auth, so it has no connections; call its actions without auth.", new FieldError("/connector", "needs no auth"));
        }

        if (credentials.ValueKind != JsonValueKind.Object)
        {
            throw ApiProblem.BadRequest("credentials is required.", new FieldError("/credentials", "is required: an object with the fields GET /api/connectors/{connector} lists under auth.fields"));
        }

        ConnectorAuth auth = connector.ReadAuth(credentials);
        int bytes = Encoding.UTF8.GetByteCount(auth.ToEnvelopeJson());
        if (bytes > InputLimits.MaxCredentialsBytes)
        {
            throw ApiProblem.BadRequest($"credentials are limited to {InputLimits.MaxCredentialsBytes} bytes of JSON.",
                new FieldError("/credentials", $"is {bytes} bytes of JSON; at most {InputLimits.MaxCredentialsBytes}"));
        }

        try
        {
            connector.ValidateAuth(auth);
        }
        catch (ValidationError ex)
        {
            throw new ApiProblem(400, ProblemTypes.ValidationFailed, "The credentials are not valid", ex.Message, [.. ex.Errors.Select(e => e with { Path = "/credentials" + e.Path })]);
        }

        ILogger logger = loggers.CreateLogger("Patchbay.Connections");
        string id = ConnectionStore.NewId();
        AccountCheck check = await CheckAccountAsync(id, connector, auth, invoker, logger, cancellationToken);
        Connection connection = await store.CreateAsync(
            new NewConnection(id, connector.Id, connector.Manifest.Auth.Type, entityId, auth, check.Status, check.Reason, check.Account), cancellationToken);
        PatchbayTelemetry.Describe(connectionId: connection.Id);
        logger.LogInformation("Connection {ConnectionId} created for {Connector} with status {Status}", connection.Id, connector.Id, connection.Status);
        return connection;
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

        Connection connection = await store.GetIfExistsAsync(id, cancellationToken) ?? throw NotFound(id);
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

        ListPage<Connection> page = await store.ListAsync(entityId is null ? null : RequestBody.CheckEntityId(entityId), ListAnswers.Limit, cancellationToken);
        response.Headers[ListAnswers.TotalCountHeader] = page.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(page.Items);
    }

    /// <summary>
    /// <c>POST /api/connections/{id}/check</c>: the connected-account check again (e.g. after the service was unreachable at creation),
    /// recorded as ACTIVE, or FAILED with the reason. A connector without a connected-account handler has nothing to check: ACTIVE.
    /// </summary>
    public static async Task<Ok<Connection>> CheckAsync(string id, ActionInvoker invoker, ConnectionStore store, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        (Connection connection, ConnectorAuth auth, Azure.ETag etag) = await store.GetForCheckAsync(id, cancellationToken) ?? throw NotFound(id);
        if (connection.Status == ConnectionStatus.Initiated)
        {
            throw new ApiProblem(409, ProblemTypes.ConnectionNotActive, "The connection is not connected yet",
                $"Connection '{id}' is {ConnectionStatus.Initiated}: finish its connect flow first; there are no credentials to check.");
        }

        Connector connector = invoker.GetConnector(connection.Connector);
        ILogger logger = loggers.CreateLogger("Patchbay.Connections");
        AccountCheck check;
        try
        {
            connector.ValidateAuth(auth);
            check = await CheckAccountAsync(id, connector, auth, invoker, logger, cancellationToken);
        }
        catch (ValidationError ex)
        {
            // The manifest changed since the credentials were stored.
            check = new AccountCheck(ConnectionStatus.Failed, Sentence.Join("The stored credentials no longer match the connector's auth.fields: " + ex.Message, NextStep(id)), null);
        }

        Connection updated = await store.UpdateCheckAsync(id, etag, check.Status, check.Reason, check.Account ?? connection.Account, cancellationToken)
            ?? throw new ApiProblem(409, ProblemTypes.Conflict, "The connection changed during the check",
                $"Connection '{id}' was changed or deleted while it was being checked; GET it and check again if it still exists.");
        logger.LogInformation("Connection {ConnectionId} checked again: {Status}", id, updated.Status);
        return TypedResults.Ok(updated);
    }

    public static async Task<NoContent> DeleteAsync(string id, ConnectionStore store, CancellationToken cancellationToken) =>
        await store.DeleteAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : throw NotFound(id);

    /// <summary>404 for a connection id that names no connection (a malformed one never reaches storage).</summary>
    public static ApiProblem NotFound(string id) => ApiProblem.NotFound("Connection", ConnectionStore.IsWellFormedId(id)
        ? $"There is no connection '{id}'."
        : $"There is no connection '{RequestBody.Quote(id)}': connection ids are con_ followed by 32 lowercase hex digits, as POST /api/connections answers them.");

    private static string NextStep(string id) =>
        $"Once the cause is fixed, check it again with POST /api/connections/{id}/check, or create a new connection.";

    // The connected-account handler, if any, says whose credentials these are; a failure is a FAILED connection with the reason, not an error.
    internal static async Task<AccountCheck> CheckAccountAsync(string id, Connector connector, ConnectorAuth auth, ActionInvoker invoker, ILogger logger, CancellationToken cancellationToken)
    {
        if (!connector.HasConnectedAccountHandler) return new AccountCheck(ConnectionStatus.Active, null, null);
        try
        {
            ConnectedAccountInfo? account = (await connector.GetConnectedAccountAsync(invoker.CreateContext(connector, auth), cancellationToken)).Account;
            return new AccountCheck(ConnectionStatus.Active, null, account);
        }
        catch (Exception ex) when (ex is HttpError or TimeoutException or HttpRequestException or FetchBlockedException or ValidationError)
        {
            string cause = ex switch
            {
                HttpError http => $"The account check was refused by the service: HTTP {http.Status} {http.ResponseMessage}",
                TimeoutException => "The account check timed out: " + ex.Message,
                _ => "The account check failed: " + ex.Message,
            };
            string reason = Sentence.Join(cause, NextStep(id));
            logger.LogWarning("Connection {ConnectionId} for {Connector} failed its account check: {Reason}", id, connector.Id, reason);
            return new AccountCheck(ConnectionStatus.Failed, reason, null);
        }
    }

    internal readonly record struct AccountCheck(string Status, string? Reason, ConnectedAccountInfo? Account);
}
