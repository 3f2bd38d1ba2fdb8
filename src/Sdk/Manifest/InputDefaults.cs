using System.Text.Json;

namespace Patchbay.Sdk;

/// <summary>
/// The <c>default</c> values in an input schema's <c>properties</c> (nested objects included), applied to
/// inputs that leave those properties out, before validation and before the handler runs.
/// </summary>
public sealed class InputDefaults
{
    private readonly (string Name, JsonElement Default, InputDefaults? Nested)[] _entries;

    private InputDefaults((string, JsonElement, InputDefaults?)[] entries) => _entries = entries;

    /// <summary>No defaults.</summary>
    public static InputDefaults Empty { get; } = new([]);

    /// <summary>Whether there is nothing to fill in.</summary>
    public bool IsEmpty => _entries.Length == 0;

    /// <summary>Property name → default, top level only (what a client shows and resets to).</summary>
    public IReadOnlyDictionary<string, JsonElement> TopLevel =>
        _entries.Where(e => e.Default.ValueKind != JsonValueKind.Undefined).ToDictionary(e => e.Name, e => e.Default);

    /// <summary>Reads the defaults of <paramref name="schema"/>.</summary>
    public static InputDefaults From(JsonElement schema, int depth = 0)
    {
        if (depth > 16 || schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out JsonElement properties)
            || properties.ValueKind != JsonValueKind.Object)
        {
            return Empty;
        }

        var entries = new List<(string, JsonElement, InputDefaults?)>();
        foreach (JsonProperty property in properties.EnumerateObject())
        {
            JsonElement value = default;
            if (property.Value.ValueKind == JsonValueKind.Object && property.Value.TryGetProperty("default", out JsonElement d))
            {
                value = d.Clone();
            }

            InputDefaults nested = From(property.Value, depth + 1);
            if (value.ValueKind != JsonValueKind.Undefined || !nested.IsEmpty)
            {
                entries.Add((property.Name, value, nested.IsEmpty ? null : nested));
            }
        }

        return entries.Count == 0 ? Empty : new InputDefaults([.. entries]);
    }

    /// <summary>Returns <paramref name="inputs"/> with defaults filled in; the same element when nothing is missing.</summary>
    public JsonElement Apply(JsonElement inputs)
    {
        if (IsEmpty || inputs.ValueKind != JsonValueKind.Object || !NeedsWork(inputs)) return inputs;

        return PooledJsonBuffer.ToElement((Defaults: this, Inputs: inputs), static (writer, state) => state.Defaults.Write(writer, state.Inputs));
    }

    private bool NeedsWork(JsonElement inputs)
    {
        foreach ((string name, JsonElement value, InputDefaults? nested) in _entries)
        {
            if (!inputs.TryGetProperty(name, out JsonElement present))
            {
                if (value.ValueKind != JsonValueKind.Undefined) return true;
            }
            else if (nested is not null && present.ValueKind == JsonValueKind.Object && nested.NeedsWork(present))
            {
                return true;
            }
        }

        return false;
    }

    private void Write(Utf8JsonWriter writer, JsonElement inputs)
    {
        writer.WriteStartObject();
        foreach (JsonProperty property in inputs.EnumerateObject())
        {
            writer.WritePropertyName(property.Name);
            InputDefaults? nested = Find(property.Name);
            if (nested is not null && property.Value.ValueKind == JsonValueKind.Object) nested.Write(writer, property.Value);
            else property.Value.WriteTo(writer);
        }

        foreach ((string name, JsonElement value, _) in _entries)
        {
            if (value.ValueKind != JsonValueKind.Undefined && !inputs.TryGetProperty(name, out _))
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    private InputDefaults? Find(string name)
    {
        foreach ((string n, _, InputDefaults? nested) in _entries)
        {
            if (n == name) return nested;
        }

        return null;
    }
}
