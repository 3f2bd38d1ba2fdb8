using System.Runtime.InteropServices;
using System.Text.Json;

namespace Patchbay.Sdk;

/// <summary>
/// Finds strings and property names that are not valid Unicode: JSON may escape a lone UTF-16 surrogate
/// (<c>"\ud800"</c>), which parses but cannot be read as a string (<see cref="JsonElement.GetString"/> throws).
/// Execution refuses such inputs and credentials up front, with the path, instead of failing inside a handler.
/// </summary>
public static class JsonUnicode
{
    private const string BadValue = "is not valid Unicode: it holds a lone UTF-16 surrogate (such as \\ud800); send well-formed text";
    private const string BadName = "has a property name that is not valid Unicode: it holds a lone UTF-16 surrogate (such as \\ud800)";

    /// <summary>Whether every string and property name in <paramref name="value"/> is readable. Allocates nothing when no string is escaped.</summary>
    public static bool IsValid(JsonElement value) => !HasInvalid(value);

    /// <summary>The paths (JSON Pointers under <paramref name="prefix"/>) of the strings and objects with unreadable text, at most <paramref name="max"/>.</summary>
    public static IReadOnlyList<FieldError> FindInvalid(JsonElement value, string prefix = "", int max = 10)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var errors = new List<FieldError>();
        if (HasInvalid(value)) Collect(value, prefix, errors, max);
        return errors;
    }

    /// <summary>A JSON Pointer segment for <paramref name="name"/> (<c>~</c> and <c>/</c> escaped).</summary>
    public static string PointerSegment(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
    }

    private static bool HasInvalid(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return !Readable(value);
            case JsonValueKind.Object:
                foreach (JsonProperty property in value.EnumerateObject())
                {
                    if (!Readable(property) || HasInvalid(property.Value)) return true;
                }

                return false;
            case JsonValueKind.Array:
                foreach (JsonElement item in value.EnumerateArray())
                {
                    if (HasInvalid(item)) return true;
                }

                return false;
            default:
                return false;
        }
    }

    private static void Collect(JsonElement value, string path, List<FieldError> errors, int max)
    {
        if (errors.Count >= max) return;
        switch (value.ValueKind)
        {
            case JsonValueKind.String when !Readable(value):
                errors.Add(new FieldError(path, BadValue));
                break;
            case JsonValueKind.Object:
                foreach (JsonProperty property in value.EnumerateObject())
                {
                    if (!Readable(property))
                    {
                        if (errors.Count < max) errors.Add(new FieldError(path, BadName));
                        continue;
                    }

                    if (HasInvalid(property.Value)) Collect(property.Value, path + "/" + PointerSegment(property.Name), errors, max);
                }

                break;
            case JsonValueKind.Array:
                int index = 0;
                foreach (JsonElement item in value.EnumerateArray())
                {
                    if (HasInvalid(item)) Collect(item, path + "/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture), errors, max);
                    index++;
                }

                break;
        }
    }

    // Raw UTF-8 was validated by the parser; only an escape can smuggle in a lone surrogate, so unescaped text is readable as is.
    private static bool Readable(JsonElement value)
    {
        if (JsonMarshal.GetRawUtf8Value(value).IndexOf((byte)'\\') < 0) return true;
        try
        {
            _ = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool Readable(JsonProperty property)
    {
        if (JsonMarshal.GetRawUtf8PropertyName(property).IndexOf((byte)'\\') < 0) return true;
        try
        {
            _ = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
