using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Patchbay.Sdk.Schema;

/// <summary>Allocation-free helpers over <see cref="JsonElement"/> values.</summary>
internal static class JsonValues
{
    private const int StackChars = 256;

    /// <summary>
    /// Whether <paramref name="utf8"/> is exactly one JSON value (whitespace around it allowed), read with
    /// <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/>'s defaults (no comments, no trailing commas,
    /// depth 64): what this reads through, that parses. One reading pass, nothing allocated.
    /// </summary>
    public static bool IsOneDocument(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        try
        {
            // The reader itself refuses empty input and anything after the first value.
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The raw UTF-8 of a string value, without quotes, still escaped.</summary>
    public static ReadOnlySpan<byte> RawString(JsonElement element)
    {
        ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8Value(element);
        return raw.Length >= 2 && raw[0] == (byte)'"' ? raw[1..^1] : raw;
    }

    public static bool IsInteger(JsonElement number)
    {
        if (number.TryGetInt64(out _))
        {
            return true;
        }

        // Read exactly from the text: decimal rounds 1e-30 to 0 and 1.00000000000000000000000000001 to 1.
        return JsonNumberText.IsWhole(JsonMarshal.GetRawUtf8Value(number));
    }

    /// <summary>The number of Unicode code points in a string value.</summary>
    public static int CodePointLength(JsonElement element)
    {
        ReadOnlySpan<byte> raw = RawString(element);
        int count = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            byte b = raw[i];
            if (b == (byte)'\\')
            {
                if (i + 1 < raw.Length && raw[i + 1] == (byte)'u' && i + 5 < raw.Length && IsHighSurrogateEscape(raw.Slice(i + 2, 4))
                    && i + 11 < raw.Length && raw[i + 6] == (byte)'\\' && raw[i + 7] == (byte)'u')
                {
                    i += 11; // \uD83D\uDE00 is one code point
                }
                else
                {
                    i += raw[i + 1] == (byte)'u' ? 5 : 1;
                }

                count++;
            }
            else if ((b & 0xC0) != 0x80)
            {
                count++;
            }
        }

        return count;
    }

    private static bool IsHighSurrogateEscape(ReadOnlySpan<byte> hex) =>
        int.TryParse(Encoding.ASCII.GetString(hex), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int value)
        && value is >= 0xD800 and <= 0xDBFF;

    /// <summary>Runs <paramref name="predicate"/> over the decoded characters of a string value without allocating (unless it has escapes).</summary>
    public static bool TestString(JsonElement element, StringPredicate predicate) => TestUtf8(RawString(element), element, predicate);

    /// <summary>Runs <paramref name="predicate"/> over a property's decoded name.</summary>
    public static bool TestName(JsonProperty property, StringPredicate predicate)
    {
        ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (raw.IndexOf((byte)'\\') >= 0)
        {
            return predicate.Test(property.Name);
        }

        return TestUnescaped(raw, predicate);
    }

    private static bool TestUtf8(ReadOnlySpan<byte> raw, JsonElement element, StringPredicate predicate)
    {
        if (raw.IndexOf((byte)'\\') >= 0)
        {
            return predicate.Test(element.GetString());
        }

        return TestUnescaped(raw, predicate);
    }

    private static bool TestUnescaped(ReadOnlySpan<byte> utf8, StringPredicate predicate)
    {
        char[]? rented = null;
        // UTF-8 never decodes to more chars than it has bytes; only what is needed is on the stack (and zeroed).
        Span<char> buffer = utf8.Length <= StackChars ? stackalloc char[utf8.Length] : (rented = ArrayPool<char>.Shared.Rent(utf8.Length));
        try
        {
            int length = Encoding.UTF8.GetChars(utf8, buffer);
            return predicate.Test(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>JSON equality: 1 equals 1.0, object member order does not matter.</summary>
    public static bool DeepEquals(JsonElement left, JsonElement right)
    {
        JsonValueKind kind = left.ValueKind;
        if (kind != right.ValueKind)
        {
            return false;
        }

        switch (kind)
        {
            case JsonValueKind.Number:
                return JsonNumber.Read(left).CompareTo(JsonNumber.Read(right)) == 0;
            case JsonValueKind.String:
                ReadOnlySpan<byte> a = RawString(left);
                ReadOnlySpan<byte> b = RawString(right);
                if (a.IndexOf((byte)'\\') < 0 && b.IndexOf((byte)'\\') < 0)
                {
                    return a.SequenceEqual(b);
                }

                return left.ValueEquals(right.GetString());
            case JsonValueKind.Array:
                if (left.GetArrayLength() != right.GetArrayLength())
                {
                    return false;
                }

                JsonElement.ArrayEnumerator others = right.EnumerateArray();
                foreach (JsonElement item in left.EnumerateArray())
                {
                    others.MoveNext();
                    if (!DeepEquals(item, others.Current))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Object:
                int leftCount = 0;
                foreach (JsonProperty property in left.EnumerateObject())
                {
                    leftCount++;
                    if (!TryGetProperty(right, property, out JsonElement other) || !DeepEquals(property.Value, other))
                    {
                        return false;
                    }
                }

                int rightCount = 0;
                foreach (JsonProperty _ in right.EnumerateObject())
                {
                    rightCount++;
                }

                return leftCount == rightCount;
            default:
                return true; // null, true, false: same kind is equal
        }
    }

    private static bool TryGetProperty(JsonElement target, JsonProperty property, out JsonElement value)
    {
        ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8PropertyName(property);
        return raw.IndexOf((byte)'\\') < 0 ? target.TryGetProperty(raw, out value) : target.TryGetProperty(property.Name, out value);
    }

    /// <summary>A hash consistent with <see cref="DeepEquals"/> (equal values hash equal).</summary>
    public static int ShallowHash(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => JsonNumber.Read(element).GetHashCode(),
        JsonValueKind.String => 0x5000 + CodePointLength(element),
        JsonValueKind.Array => 0x7000 + element.GetArrayLength(),
        JsonValueKind.Object => 0x9000 + CountProperties(element),
        JsonValueKind kind => (int)kind,
    };

    public static int CountProperties(JsonElement element)
    {
        int count = 0;
        foreach (JsonProperty _ in element.EnumerateObject())
        {
            count++;
        }

        return count;
    }

    /// <summary>The draft-7 type name of a value: integer for whole numbers.</summary>
    public static string TypeName(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => IsInteger(element) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    /// <summary>A short rendering of a value for messages: strings bare, others as JSON.</summary>
    public static string Display(JsonElement element)
    {
        string text = element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
        return text.Length > 80 ? string.Concat(text.AsSpan(0, 77), "...") : text;
    }
}

/// <summary>A test over a string's characters (a regex, a format), run without allocating the string.</summary>
internal abstract class StringPredicate
{
    public abstract bool Test(ReadOnlySpan<char> value);
}
