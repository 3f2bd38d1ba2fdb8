using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using Patchbay.Sdk;

namespace Patchbay.Client;

/// <summary>
/// An action's inputs, as aiXplain's input proxies: start from the manifest's defaults, set by name
/// (<c>inputs["channel"] = "general"</c>), reset one or all, and read back. A value is checked against the
/// input's schema when it is set, so a mistake surfaces here rather than in a call.
/// </summary>
/// <remarks>Not thread-safe: one instance belongs to one caller's action object.</remarks>
public sealed class ActionInputs : IEnumerable<KeyValuePair<string, JsonElement>>
{
    private readonly OperationDefinition _operation;
    private readonly string _owner;
    private readonly Dictionary<string, JsonElement> _values = new(StringComparer.Ordinal);
    private readonly string[] _names;

    internal ActionInputs(OperationDefinition operation, string owner)
    {
        _operation = operation;
        _owner = owner;
        _names = operation.InputSchema.ValueKind == JsonValueKind.Object
            && operation.InputSchema.TryGetProperty("properties", out JsonElement properties) && properties.ValueKind == JsonValueKind.Object
            ? [.. properties.EnumerateObject().Select(p => p.Name)]
            : [];
        Required = operation.InputSchema.ValueKind == JsonValueKind.Object
            && operation.InputSchema.TryGetProperty("required", out JsonElement required) && required.ValueKind == JsonValueKind.Array
            ? [.. required.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!)]
            : [];
        ResetAll();
    }

    /// <summary>Every input the action declares, in manifest order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The inputs the action requires.</summary>
    public IReadOnlyList<string> Required { get; }

    /// <summary>How many inputs have a value (set or default).</summary>
    public int Count => _values.Count;

    /// <summary>The input's value (set, or its default); <see langword="null"/> when it has none.</summary>
    /// <exception cref="KeyNotFoundException">The action has no such input; the message lists the ones it has.</exception>
    /// <exception cref="ArgumentException">The value does not match the input's schema; the message says why.</exception>
    public object? this[string name]
    {
        get => _values.TryGetValue(Known(name), out JsonElement value) ? value : null;
        set => Set(name, value);
    }

    /// <summary>Whether the action declares <paramref name="name"/>.</summary>
    public bool Contains(string name) => Array.IndexOf(_names, name) >= 0;

    /// <summary>The value of <paramref name="name"/> as <typeparamref name="T"/>, or <paramref name="fallback"/> when it has none.</summary>
    public T? Get<T>(string name, T? fallback = default) =>
        _values.TryGetValue(Known(name), out JsonElement value) ? value.Deserialize<T>(ClientJson.Options) : fallback;

    /// <summary>Sets an input after checking it against the input's schema; <see langword="null"/> removes it.</summary>
    /// <exception cref="KeyNotFoundException">The action has no such input.</exception>
    /// <exception cref="ArgumentException">The value does not match the input's schema.</exception>
    public ActionInputs Set(string name, object? value)
    {
        Known(name);
        if (value is null)
        {
            _values.Remove(name);
            return this;
        }

        JsonElement element = ClientJson.ToElement(value);
        var candidate = new Dictionary<string, JsonElement>(_values, StringComparer.Ordinal) { [name] = element };
        string prefix = "/" + name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
        string[] errors = [.. _operation.Input.Validate(JsonSerializer.SerializeToElement(candidate))
            .Errors.Where(e => e.InstancePath == prefix || e.InstancePath.StartsWith(prefix + "/", StringComparison.Ordinal))
            .Select(e => e.ToString())];
        if (errors.Length > 0)
        {
            throw new ArgumentException($"{_owner} input '{name}' does not accept {Shorten(element.GetRawText())}: {string.Join("; ", errors)}", nameof(value));
        }

        _values[name] = element;
        return this;
    }

    /// <summary>Sets several inputs; each is checked as <see cref="Set"/> does, and none is set when one fails.</summary>
    public ActionInputs Update(IEnumerable<KeyValuePair<string, object?>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Dictionary<string, JsonElement> saved = Snapshot();
        try
        {
            foreach ((string name, object? value) in values) Set(name, value);
        }
        catch
        {
            Restore(saved);
            throw;
        }

        return this;
    }

    internal Dictionary<string, JsonElement> Snapshot() => new(_values, StringComparer.Ordinal);

    internal void Restore(Dictionary<string, JsonElement> snapshot)
    {
        _values.Clear();
        foreach ((string name, JsonElement value) in snapshot) _values[name] = value;
    }

    /// <summary>Puts <paramref name="name"/> back to its default (or no value when it has none).</summary>
    /// <exception cref="KeyNotFoundException">The action has no such input.</exception>
    public ActionInputs Reset(string name)
    {
        Known(name);
        if (_operation.Defaults.TopLevel.TryGetValue(name, out JsonElement fallback)) _values[name] = fallback;
        else _values.Remove(name);
        return this;
    }

    /// <summary>Puts every input back to its default.</summary>
    public ActionInputs ResetAll()
    {
        _values.Clear();
        foreach ((string name, JsonElement value) in _operation.Defaults.TopLevel) _values[name] = value;
        return this;
    }

    /// <summary>The inputs as the JSON object an action call sends.</summary>
    public JsonObject ToJson() => new(_values.Select(v => KeyValuePair.Create(v.Key, JsonNode.Parse(v.Value.GetRawText()))));

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, JsonElement>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => ToJson().ToJsonString();

    private string Known(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Contains(name)) return name;
        string known = _names.Length == 0 ? "it takes no inputs" : "its inputs are: " + string.Join(", ", _names);
        throw new KeyNotFoundException($"{_owner} has no input '{name}'; {known}.");
    }

    private static string Shorten(string json) => json.Length > 80 ? json[..80] + "…" : json;
}
