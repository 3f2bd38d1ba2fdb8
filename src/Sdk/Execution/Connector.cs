using System.Reflection;
using System.Text.Json;
using Patchbay.Sdk.Schema;

namespace Patchbay.Sdk;

/// <summary>
/// A loaded connector: its manifest and its handlers, matched once at load. Executes actions, polls
/// and connected-account lookups with inputs, auth and output validated against the manifest.
/// </summary>
/// <example><code>
/// Connector rss = Connector.FromAssembly(typeof(FetchFeed).Assembly);
/// var context = new ConnectorContext(fetchClient, rss.CreateContextOptions(ConnectorAuth.None));
/// IntegrationResult result = await rss.ExecuteActionAsync("fetch_feed", inputs, context, cancellationToken);
/// </code></example>
public sealed class Connector
{
    /// <summary>The name a connector project embeds its <c>config.json</c> under.</summary>
    public const string ManifestResourceName = "patchbay.config.json";

    private readonly Dictionary<string, ActionHandler> _actions;
    private readonly Dictionary<string, PollingTriggerHandler> _triggers;
    private readonly ConnectedAccountHandler? _account;
    private readonly CredentialsCheckHandler? _credentialsCheck;

    private Connector(ConnectorManifest manifest, Dictionary<string, ActionHandler> actions, Dictionary<string, PollingTriggerHandler> triggers, ConnectedAccountHandler? account, CredentialsCheckHandler? credentialsCheck)
    {
        Manifest = manifest;
        _actions = actions;
        _triggers = triggers;
        _account = account;
        _credentialsCheck = credentialsCheck;
    }

    /// <summary>The manifest.</summary>
    public ConnectorManifest Manifest { get; }

    /// <summary>The connector id (routes, connections, tool names).</summary>
    public string Id => Manifest.Id;

    /// <summary>Whether a <see cref="ConnectedAccountHandler"/> is registered.</summary>
    public bool HasConnectedAccountHandler => _account is not null;

    /// <summary>Loads the connector a connector project builds: its embedded <c>config.json</c> and the handlers in the assembly.</summary>
    /// <exception cref="ConfigurationError">The manifest is invalid or handlers and manifest disagree.</exception>
    public static Connector FromAssembly(Assembly assembly, JsonSchemaOptions? schemaOptions = null)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        string source = $"{assembly.GetName().Name}/config.json";
        using Stream? stream = assembly.GetManifestResourceStream(ManifestResourceName)
            ?? throw new ConfigurationError(source, "", $"the assembly embeds no {ManifestResourceName}; connector projects under src/Connectors get it from src/Connectors/Directory.Build.props (EmbeddedResource config.json with LogicalName {ManifestResourceName})");
        using var reader = new StreamReader(stream);
        ConnectorManifest manifest = ConnectorManifest.Parse(reader.ReadToEnd(), source, schemaOptions);
        return Create(manifest, assembly.GetTypes());
    }

    /// <summary>Loads a manifest file and matches it with the handlers in <paramref name="handlers"/>.</summary>
    public static Connector Load(string configPath, Assembly handlers, JsonSchemaOptions? schemaOptions = null)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        return Create(ConnectorManifest.Load(configPath, schemaOptions), handlers.GetTypes());
    }

    /// <summary>Matches a manifest with handler types (those carrying <see cref="ActionAttribute"/>, <see cref="PollingTriggerAttribute"/> or <see cref="ConnectedAccountAttribute"/>).</summary>
    /// <exception cref="ConfigurationError">An action or trigger has no handler, a handler has no action or trigger, or a handler cannot be created.</exception>
    public static Connector Create(ConnectorManifest manifest, IEnumerable<Type> handlerTypes)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(handlerTypes);
        var actions = new Dictionary<string, ActionHandler>(StringComparer.Ordinal);
        var triggers = new Dictionary<string, PollingTriggerHandler>(StringComparer.Ordinal);
        ConnectedAccountHandler? account = null;
        CredentialsCheckHandler? credentialsCheck = null;
        string source = manifest.Source;

        foreach (Type type in handlerTypes)
        {
            if (type.GetCustomAttribute<ActionAttribute>() is { } action)
            {
                if (!manifest.Actions.ContainsKey(action.Name))
                {
                    throw new ConfigurationError(source, "/actions", $"handler {type.FullName} is registered for action '{action.Name}', which config.json does not declare; add \"{action.Name}\" to actions or fix the [Action] name (declared: {string.Join(", ", manifest.Actions.Keys)})");
                }

                if (actions.TryGetValue(action.Name, out ActionHandler? existing))
                {
                    throw new ConfigurationError(source, "/actions/" + action.Name, $"has two handlers, {existing.GetType().FullName} and {type.FullName}; keep one");
                }

                actions.Add(action.Name, Instantiate<ActionHandler>(type, source, "/actions/" + action.Name, "[Action]"));
            }

            if (type.GetCustomAttribute<PollingTriggerAttribute>() is { } trigger)
            {
                if (!manifest.PollingTriggers.ContainsKey(trigger.Name))
                {
                    throw new ConfigurationError(source, "/polling_triggers", $"handler {type.FullName} is registered for polling trigger '{trigger.Name}', which config.json does not declare; add \"{trigger.Name}\" to polling_triggers or fix the [PollingTrigger] name");
                }

                if (triggers.TryGetValue(trigger.Name, out PollingTriggerHandler? existing))
                {
                    throw new ConfigurationError(source, "/polling_triggers/" + trigger.Name, $"has two handlers, {existing.GetType().FullName} and {type.FullName}; keep one");
                }

                triggers.Add(trigger.Name, Instantiate<PollingTriggerHandler>(type, source, "/polling_triggers/" + trigger.Name, "[PollingTrigger]"));
            }

            if (type.GetCustomAttribute<ConnectedAccountAttribute>() is not null)
            {
                if (account is not null)
                {
                    throw new ConfigurationError(source, "", $"has two connected-account handlers, {account.GetType().FullName} and {type.FullName}; keep one");
                }

                account = Instantiate<ConnectedAccountHandler>(type, source, "", "[ConnectedAccount]");
            }

            if (type.GetCustomAttribute<CredentialsCheckAttribute>() is not null)
            {
                if (credentialsCheck is not null)
                {
                    throw new ConfigurationError(source, "/auth", $"has two credentials checks, {credentialsCheck.GetType().FullName} and {type.FullName}; keep one");
                }

                if (!manifest.Auth.IsRequired)
                {
                    throw new ConfigurationError(source, "/auth", $"{type.FullName} checks credentials, but config.json declares no auth; declare auth or remove [CredentialsCheck]");
                }

                credentialsCheck = Instantiate<CredentialsCheckHandler>(type, source, "/auth", "[CredentialsCheck]");
            }
        }

        foreach (string name in manifest.Actions.Keys)
        {
            if (!actions.ContainsKey(name))
            {
                throw new ConfigurationError(source, "/actions/" + name, $"action '{name}' has no handler; add a class deriving from ActionHandler with [Action(\"{name}\")]");
            }
        }

        foreach (string name in manifest.PollingTriggers.Keys)
        {
            if (!triggers.ContainsKey(name))
            {
                throw new ConfigurationError(source, "/polling_triggers/" + name, $"polling trigger '{name}' has no handler; add a class deriving from PollingTriggerHandler with [PollingTrigger(\"{name}\")]");
            }
        }

        return new Connector(manifest, actions, triggers, account, credentialsCheck);
    }

    /// <summary>Reads auth as a caller sent it (envelope or flat credentials) with this connector's default auth type.</summary>
    public ConnectorAuth ReadAuth(JsonElement auth) => ConnectorAuth.FromJson(auth, Manifest.Auth.DefaultAuthType);

    /// <summary>Context options for this connector: its <c>allowed_hosts</c>, API key placement and the given auth.</summary>
    public ConnectorContextOptions CreateContextOptions(ConnectorAuth auth) => new()
    {
        Auth = auth,
        AllowedHosts = Manifest.AllowedHosts,
        ApiKey = Manifest.Auth.ApiKey,
    };

    /// <summary>Validates inputs and auth, runs the action's handler and validates its result.</summary>
    /// <exception cref="UnknownOperationError">The connector has no such action.</exception>
    /// <exception cref="ValidationError">Inputs or auth are invalid (caller), or the result breaks <c>output_schema</c> (connector bug).</exception>
    /// <exception cref="HttpError">An upstream call failed and the handler let it through.</exception>
    public async Task<IntegrationResult> ExecuteActionAsync(string name, JsonElement inputs, ConnectorContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Manifest.Actions.TryGetValue(name, out ActionDefinition? definition))
        {
            throw new UnknownOperationError(Id, "action", name, Manifest.Actions.Keys);
        }

        inputs = Prepare(definition.Defaults, definition.Input, inputs, $"{Id}.{name}");
        ValidateAuth(context.Auth);

        ActionOutcome outcome = await _actions[name].ExecuteAsync(inputs, context, cancellationToken).ConfigureAwait(false)
            ?? throw new ValidationError(ValidationTarget.Output, $"{Id}.{name}", [new FieldError("", "the handler returned null; return an ActionResult or ActionError")]);

        if (outcome is ActionResult result)
        {
            if (result.Data.ValueKind == JsonValueKind.Undefined)
            {
                throw new ValidationError(ValidationTarget.Output, $"{Id}.{name}", [new FieldError("", "the handler returned no data")]);
            }

            Check(definition.Output, result.Data, ValidationTarget.Output, $"{Id}.{name}", "");
        }

        return IntegrationResult.ForAction(outcome);
    }

    /// <summary>
    /// Validates inputs and auth, runs the trigger's handler, checks every record (an id that is a string or
    /// number; data valid against <c>output_schema</c>) and drops repeated ids (the first wins).
    /// </summary>
    /// <exception cref="UnknownOperationError">The connector has no such trigger.</exception>
    /// <exception cref="ValidationError">Inputs or auth are invalid, or a record is malformed.</exception>
    public async Task<IReadOnlyList<PollRecord>> ExecutePollingTriggerAsync(string name, JsonElement inputs, DateTimeOffset? lastPollTs, ConnectorContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Manifest.PollingTriggers.TryGetValue(name, out PollingTriggerDefinition? definition))
        {
            throw new UnknownOperationError(Id, "polling trigger", name, Manifest.PollingTriggers.Keys);
        }

        string subject = $"{Id}.{name}";
        inputs = Prepare(definition.Defaults, definition.Input, inputs, subject);
        ValidateAuth(context.Auth);

        IReadOnlyList<PollRecord> records = await _triggers[name].PollAsync(inputs, lastPollTs, context, cancellationToken).ConfigureAwait(false) ?? [];
        return CheckRecords(records, definition.Output, subject);
    }

    // One pass, no LINQ: each id read once and compared on its UTF-8 bytes (PollRecordIds: no string per id), each
    // record's data validated once against the compiled output_schema (allocation-free when valid), the id table
    // rented and sized for the batch up front.
    private static List<PollRecord> CheckRecords(IReadOnlyList<PollRecord> records, JsonSchema output, string subject)
    {
        List<FieldError>? errors = null;
        using var seen = new PollRecordIds(records);
        var unique = new List<PollRecord>(records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            PollRecord? record = records[i];
            if (record is null)
            {
                (errors ??= []).Add(new FieldError($"/{i}", "is null; return records with an id and data"));
                continue;
            }

            if (!seen.TryRead(i))
            {
                (errors ??= []).Add(new FieldError($"/{i}/id", "is required: a non-empty string or a number that identifies the record"));
                continue;
            }

            if (record.Data.ValueKind == JsonValueKind.Undefined)
            {
                (errors ??= []).Add(new FieldError($"/{i}/data", "is required"));
                continue;
            }

            if (!output.IsValid(record.Data))
            {
                foreach (SchemaError error in output.Validate(record.Data).Errors) (errors ??= []).Add(new FieldError($"/{i}/data{error.InstancePath}", error.Message));
                continue;
            }

            // After validation, so a repeat of an invalid record is still reported; errors make the batch fail anyway.
            if (errors is null && seen.Add(i)) unique.Add(record);
        }

        if (errors is not null)
        {
            throw new ValidationError(ValidationTarget.Records, subject, errors);
        }

        return unique;
    }

    /// <summary>Validates auth and asks the connected-account handler who the credentials belong to.</summary>
    /// <exception cref="UnknownOperationError">The connector has no connected-account handler.</exception>
    public async Task<IntegrationResult> GetConnectedAccountAsync(ConnectorContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_account is null)
        {
            throw new UnknownOperationError(Id, "connected-account handler", "connected_account", []);
        }

        ValidateAuth(context.Auth);
        ConnectedAccountInfo info = await _account.GetAccountInfoAsync(context, cancellationToken).ConfigureAwait(false)
            ?? throw new ValidationError(ValidationTarget.Output, $"{Id} connected account", [new FieldError("", "the handler returned null; return a ConnectedAccountInfo")]);
        return IntegrationResult.ForAccount(info);
    }

    /// <summary>
    /// Checks credentials against the manifest (<c>auth.fields</c> for custom auth, an <c>access_token</c> for OAuth),
    /// then with the connector's <see cref="CredentialsCheckHandler"/>, if it has one. Calls no service.
    /// </summary>
    /// <exception cref="ValidationError">The credentials do not satisfy the manifest or the check (<see cref="ValidationTarget.Auth"/>).</exception>
    public void ValidateAuth(ConnectorAuth auth)
    {
        ArgumentNullException.ThrowIfNull(auth);
        CheckUnicode(auth.Credentials, ValidationTarget.Auth, Id);
        AuthDefinition definition = Manifest.Auth;
        if (definition.Fields is { } fields)
        {
            Check(fields, auth.Credentials, ValidationTarget.Auth, Id, "");
        }
        else if (definition.IsOAuth && string.IsNullOrEmpty(auth.GetCredential("access_token")))
        {
            throw new ValidationError(ValidationTarget.Auth, Id, [new FieldError("/access_token", "is required: this connector uses OAuth; pass credentials.access_token or a connection")]);
        }

        if (_credentialsCheck?.Check(auth)?.ToList() is { Count: > 0 } errors)
        {
            throw new ValidationError(ValidationTarget.Auth, Id, errors);
        }
    }

    private static JsonElement Prepare(InputDefaults defaults, JsonSchema schema, JsonElement inputs, string subject)
    {
        if (inputs.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            inputs = EmptyObject;
        }

        CheckUnicode(inputs, ValidationTarget.Inputs, subject);
        inputs = defaults.Apply(inputs);
        Check(schema, inputs, ValidationTarget.Inputs, subject, "");

        // Draft 7 calls 5.0 and 1e2 integers; handlers get them as 5 and 100, readable with GetInt32.
        return InputNumbers.Normalize(inputs);
    }

    // Before any schema keyword or handler reads a string: a lone surrogate would make GetString throw.
    private static void CheckUnicode(JsonElement value, ValidationTarget target, string subject)
    {
        if (JsonUnicode.IsValid(value)) return;
        throw new ValidationError(target, subject, JsonUnicode.FindInvalid(value));
    }

    private static void Check(JsonSchema schema, JsonElement value, ValidationTarget target, string subject, string prefix)
    {
        if (schema.IsValid(value)) return;
        SchemaValidationResult result = schema.Validate(value);
        var errors = new List<FieldError>(result.Errors.Count);
        foreach (SchemaError error in result.Errors) errors.Add(new FieldError(prefix + error.InstancePath, error.Message));
        throw new ValidationError(target, subject, errors);
    }

    private static T Instantiate<T>(Type type, string source, string path, string attribute) where T : class
    {
        if (!typeof(T).IsAssignableFrom(type) || type.IsAbstract)
        {
            throw new ConfigurationError(source, path, $"{type.FullName} has {attribute} but does not derive from {typeof(T).Name}; derive from {typeof(T).Name} or remove the attribute");
        }

        if (type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new ConfigurationError(source, path, $"{type.FullName} needs a public parameterless constructor; handlers are created once at load");
        }

        return (T)Activator.CreateInstance(type)!;
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();
}

/// <summary>The connector has no action, trigger or handler of that name.</summary>
public sealed class UnknownOperationError : Exception
{
    /// <summary>Creates the error.</summary>
    public UnknownOperationError(string connector, string kind, string name, IEnumerable<string> known)
        : base($"Connector '{connector}' has no {kind} '{name}'." + (known.Any() ? $" It has: {string.Join(", ", known)}." : string.Empty))
    {
        Connector = connector;
        Kind = kind;
        Name = name;
    }

    /// <summary>The connector id.</summary>
    public string Connector { get; }

    /// <summary><c>action</c>, <c>polling trigger</c> or <c>connected-account handler</c>.</summary>
    public string Kind { get; }

    /// <summary>The name asked for.</summary>
    public string Name { get; }
}
