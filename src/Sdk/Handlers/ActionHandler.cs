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
public abstract class ActionHandler<TInputs> : ActionHandler
{
    /// <inheritdoc />
    public sealed override Task<ActionOutcome> ExecuteAsync(JsonElement inputs, ConnectorContext context, CancellationToken cancellationToken)
    {
        TInputs typed = inputs.Deserialize<TInputs>(ConnectorJson.Options)
            ?? throw new ValidationError(ValidationTarget.Inputs, "inputs", [new FieldError("", "must not be null")]);
        return ExecuteAsync(typed, context, cancellationToken);
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
