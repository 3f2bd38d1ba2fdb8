using System.Text.Json;

namespace Patchbay.Sdk;

/// <summary>
/// Runs one action. Inputs arrive validated against <c>input_schema</c>, with defaults filled in.
/// One instance serves every call, so keep no per-call state in fields.
/// </summary>
/// <example><code>
/// [Action("get_item")]
/// public sealed class GetItem : ActionHandler
/// {
///     public override async Task&lt;ActionOutcome&gt; ExecuteAsync(JsonElement inputs, ConnectorContext context, CancellationToken cancellationToken)
///     {
///         var response = await context.FetchAsync($"https://api.example.com/items/{inputs.GetProperty("id").GetString()}", cancellationToken: cancellationToken);
///         return new ActionResult(response.Data);
///     }
/// }
/// </code></example>
public abstract class ActionHandler
{
    /// <summary>Runs the action; return <see cref="ActionResult"/> on success or <see cref="ActionError"/> for an expected failure.</summary>
    public abstract Task<ActionOutcome> ExecuteAsync(JsonElement inputs, ConnectorContext context, CancellationToken cancellationToken);
}

/// <summary>An <see cref="ActionHandler"/> whose inputs are deserialized (snake_case) into <typeparamref name="TInputs"/> after validation.</summary>
/// <typeparam name="TInputs">A record whose properties mirror <c>input_schema</c>, e.g. <c>record Inputs(string Owner, int Limit = 10)</c>.</typeparam>
/// <remarks>
/// Whole numbers arrive in plain form (<c>5.0</c> and <c>1e2</c> as <c>5</c> and <c>100</c>), so <c>int</c> and <c>long</c>
/// properties read them. A value the schema allows but the record cannot hold (an <c>int</c> property given
/// <c>1e20</c> because the schema sets no <c>maximum</c>) is a <see cref="ValidationError"/> on the inputs at that
/// value's path (HTTP 400), not a handler failure; bound such properties in <c>input_schema</c> to say so up front.
/// </remarks>
public abstract class ActionHandler<TInputs> : ActionHandler
{
    /// <inheritdoc />
    public sealed override Task<ActionOutcome> ExecuteAsync(JsonElement inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        TInputs? typed;
        try
        {
            typed = inputs.Deserialize<TInputs>(ConnectorJson.Options);
        }
        catch (JsonException ex)
        {
            string value = JsonPaths.TryResolve(inputs, ex.Path, out JsonElement at) ? Display(at) : "this value";
            throw new ValidationError(ValidationTarget.Inputs, typeof(TInputs).Name, [new FieldError(
                JsonPaths.ToPointer(ex.Path),
                $"{value} is allowed by input_schema but the handler cannot take it ({typeof(TInputs).Name}); send a smaller or simpler value")]);
        }

        return ExecuteAsync(
            typed ?? throw new ValidationError(ValidationTarget.Inputs, "inputs", [new FieldError("", "must not be null")]),
            context,
            cancellationToken);
    }

    private static string Display(JsonElement value)
    {
        string text = value.GetRawText();
        return text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 37), "...");
    }

    /// <summary>Runs the action with typed inputs.</summary>
    public abstract Task<ActionOutcome> ExecuteAsync(TInputs inputs, ConnectorContext context, CancellationToken cancellationToken);
}

/// <summary>Polls one trigger: returns the records that exist now (or since <c>lastPollTs</c>), each with a stable id.</summary>
public abstract class PollingTriggerHandler
{
    /// <summary>Returns records <c>{id, data}</c>; <c>data</c> is validated against the trigger's <c>output_schema</c>.</summary>
    /// <param name="inputs">Validated inputs with defaults.</param>
    /// <param name="lastPollTs">When the previous successful poll ran; <see langword="null"/> on the first poll.</param>
    /// <param name="context">Auth, logger and <c>FetchAsync</c>.</param>
    /// <param name="cancellationToken">Cancels the poll.</param>
    public abstract Task<IReadOnlyList<PollRecord>> PollAsync(JsonElement inputs, DateTimeOffset? lastPollTs, ConnectorContext context, CancellationToken cancellationToken);
}

/// <summary>Describes the account behind the credentials (shown next to a connection).</summary>
public abstract class ConnectedAccountHandler
{
    /// <summary>Fetches the account's details from the service.</summary>
    public abstract Task<ConnectedAccountInfo> GetAccountInfoAsync(ConnectorContext context, CancellationToken cancellationToken);
}

/// <summary>
/// Checks credentials further than <c>auth.fields</c> can say (a connection string's syntax, a key's encoding), without
/// calling the service. <see cref="Connector.ValidateAuth"/> runs it after the schema, so a bad credential is refused the
/// same way everywhere: a 400 naming the field when a connection is created, an action runs or a trigger polls.
/// </summary>
/// <example><code>
/// [CredentialsCheck]
/// public sealed class ConnectionStringCheck : CredentialsCheckHandler
/// {
///     public override IEnumerable&lt;FieldError&gt; Check(ConnectorAuth auth) =>
///         auth.GetCredential("connection_string")?.Contains('=') == false
///             ? [new FieldError("/connection_string", "is not key=value pairs")]
///             : [];
/// }
/// </code></example>
public abstract class CredentialsCheckHandler
{
    /// <summary>
    /// Returns what is wrong with <paramref name="auth"/>'s credentials (paths are JSON Pointers into the credentials
    /// object, e.g. <c>/connection_string</c>), or nothing. Never put a credential's value in a message.
    /// </summary>
    public abstract IEnumerable<FieldError> Check(ConnectorAuth auth);
}
