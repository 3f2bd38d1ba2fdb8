using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using Patchbay.Sdk;

namespace Patchbay.Client;

/// <summary>A connector as <c>GET /api/connectors</c> lists it.</summary>
public sealed record ConnectorSummary
{
    /// <summary>The id used in routes, connections and tool names.</summary>
    public required string Id { get; init; }

    /// <summary>The manifest's name.</summary>
    public required string Name { get; init; }

    /// <summary>A human-readable name.</summary>
    public string? DisplayName { get; init; }

    /// <summary>What the connector does.</summary>
    public string? Description { get; init; }

    /// <summary>The connector's version.</summary>
    public string? Version { get; init; }

    /// <summary><c>none</c>, <c>custom</c>, <c>platform</c> or <c>oauth2_pkce</c>.</summary>
    public string? AuthType { get; init; }

    /// <summary>Its action names.</summary>
    public IReadOnlyList<string> Actions { get; init; } = [];

    /// <summary>Its polling trigger names.</summary>
    public IReadOnlyList<string> PollingTriggers { get; init; } = [];
}

/// <summary>What a connect form needs (<c>GET /api/connectors/{id}/auth</c>).</summary>
public sealed record ConnectorAuthParameters
{
    /// <summary><c>none</c>, <c>custom</c>, <c>platform</c> or <c>oauth2_pkce</c>.</summary>
    public required string Type { get; init; }

    /// <summary>For custom auth: the fields to ask for.</summary>
    public IReadOnlyList<AuthField> Fields { get; init; } = [];

    /// <summary>For OAuth: the provider, e.g. <c>github</c>.</summary>
    public string? Provider { get; init; }

    /// <summary>For OAuth: the scopes the connector asks for.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>For OAuth: whether the app has a client id and secret for the provider.</summary>
    public bool? ClientConfigured { get; init; }
}

/// <summary>One field of a custom-auth form.</summary>
public sealed record AuthField
{
    /// <summary>The credential's key.</summary>
    public required string Name { get; init; }

    /// <summary>The label to show.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Help text.</summary>
    public string? Description { get; init; }

    /// <summary>The JSON type, e.g. <c>string</c>.</summary>
    public string? Type { get; init; }

    /// <summary>The JSON Schema format, e.g. <c>password</c> or <c>uri</c>.</summary>
    public string? Format { get; init; }

    /// <summary>Whether the field must be filled.</summary>
    public bool Required { get; init; }

    /// <summary>Whether the value is a secret (show a password input, never echo it).</summary>
    public bool Secret { get; init; }

    /// <summary>The default value, if any.</summary>
    public JsonElement? Default { get; init; }

    /// <summary>The allowed values, if the field is a choice.</summary>
    [JsonPropertyName("enum")]
    public IReadOnlyList<JsonElement>? Enum { get; init; }
}

/// <summary>
/// A connector with its actions and triggers, discovered at run time (aiXplain's integration object):
/// <c>connector.Actions["post_message"].Inputs["channel"] = "general"</c>.
/// </summary>
public sealed class PatchbayConnector
{
    internal PatchbayConnector(ConnectorManifest manifest, ConnectorAuthParameters auth)
    {
        Manifest = manifest;
        Auth = auth;
        Actions = new OperationCollection<PatchbayAction>(
            manifest.Actions.Values.Select(a => new PatchbayAction(manifest.Id, a)), a => a.Name, $"Connector '{manifest.Id}'", "action");
        Triggers = new OperationCollection<PatchbayTrigger>(
            manifest.PollingTriggers.Values.Select(t => new PatchbayTrigger(manifest.Id, t)), t => t.Name, $"Connector '{manifest.Id}'", "polling trigger");
    }

    /// <summary>The connector's id.</summary>
    public string Id => Manifest.Id;

    /// <summary>A human-readable name.</summary>
    public string DisplayName => Manifest.DisplayName;

    /// <summary>What the connector does.</summary>
    public string Description => Manifest.Description;

    /// <summary>The connector's version.</summary>
    public string Version => Manifest.Version;

    /// <summary>What connecting an account needs.</summary>
    public ConnectorAuthParameters Auth { get; }

    /// <summary>Its actions by name (case-insensitive).</summary>
    public OperationCollection<PatchbayAction> Actions { get; }

    /// <summary>Its polling triggers by name (case-insensitive).</summary>
    public OperationCollection<PatchbayTrigger> Triggers { get; }

    /// <summary>The parsed manifest.</summary>
    public ConnectorManifest Manifest { get; }

    /// <summary>Sets inputs of several actions at once: action name → input name → value. Nothing changes when one value fails.</summary>
    /// <exception cref="KeyNotFoundException">An action or input does not exist; the message lists the known ones.</exception>
    /// <exception cref="ArgumentException">A value does not match its schema.</exception>
    public void SetInputs(IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var targets = inputs.Select(i => (Action: Actions[i.Key], Values: i.Value)).ToList();
        var saved = targets.Select(t => (t.Action, Snapshot: t.Action.Inputs.Snapshot())).ToList();
        try
        {
            foreach ((PatchbayAction action, IReadOnlyDictionary<string, object?> values) in targets) action.Inputs.Update(values);
        }
        catch
        {
            foreach ((PatchbayAction action, Dictionary<string, JsonElement> snapshot) in saved) action.Inputs.Restore(snapshot);
            throw;
        }
    }

    /// <summary>The inputs of the named actions (all actions when none are named).</summary>
    /// <exception cref="KeyNotFoundException">An action does not exist.</exception>
    public IReadOnlyDictionary<string, ActionInputs> ListInputs(params string[] actions) =>
        (actions is { Length: > 0 } ? actions.Select(a => Actions[a]) : Actions)
            .ToDictionary(a => a.Name, a => a.Inputs, StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override string ToString() => Id;
}

/// <summary>Actions or triggers by name, case-insensitive; an unknown name is an exception that lists the known ones.</summary>
/// <typeparam name="T"><see cref="PatchbayAction"/> or <see cref="PatchbayTrigger"/>.</typeparam>
public sealed class OperationCollection<T> : IReadOnlyCollection<T>
    where T : class
{
    private readonly Dictionary<string, T> _items;
    private readonly string _owner;
    private readonly string _kind;

    internal OperationCollection(IEnumerable<T> items, Func<T, string> name, string owner, string kind)
    {
        _items = items.ToDictionary(name, StringComparer.OrdinalIgnoreCase);
        _owner = owner;
        _kind = kind;
    }

    /// <summary>The item called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is none; the message lists the known names.</exception>
    public T this[string name] => TryGet(name, out T? item)
        ? item
        : throw new KeyNotFoundException($"{_owner} has no {_kind} '{name}'; " +
            (_items.Count == 0 ? $"it has no {_kind}s." : $"its {_kind}s are: {string.Join(", ", _items.Keys.Order(StringComparer.Ordinal))}."));

    /// <inheritdoc />
    public int Count => _items.Count;

    /// <summary>The names, in manifest order.</summary>
    public IEnumerable<string> Names => _items.Keys;

    /// <summary>Looks an item up without throwing.</summary>
    public bool TryGet(string name, [MaybeNullWhen(false)] out T item) => _items.TryGetValue(name, out item);

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator() => _items.Values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
