using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Patchbay.Sdk.Schema;

namespace Patchbay.Sdk;

/// <summary>
/// Rewrites whole numbers in validated inputs into plain integer form (<c>5.0</c> → <c>5</c>, <c>1e2</c> → <c>100</c>),
/// so that handlers can read every value draft 7 calls an integer with <c>GetInt32</c>/<c>GetInt64</c> or a typed record.
/// </summary>
/// <remarks>
/// Every whole number with at most <see cref="MaxDigits"/> digits is rewritten, wherever it is and whatever its schema
/// type (a <c>number</c> property reads the same either way). The test is exact, on the number's text: <c>1e-30</c> is
/// not whole and stays as written. Longer whole numbers (<c>1e28</c>, <c>1e400</c>, a 40-digit integer) stay as written,
/// so the work is bounded by the input's length: a handler that reads integers must bound them in <c>input_schema</c>
/// (<c>minimum</c>/<c>maximum</c>), and typed handlers (<see cref="ActionHandler{TInputs}"/>) report a value their record
/// cannot hold as a <see cref="ValidationError"/> at its path.
/// </remarks>
internal static class InputNumbers
{
    /// <summary>The most digits a rewritten number has: every <see cref="long"/>, <see cref="ulong"/> and 28-digit <see cref="decimal"/> integer.</summary>
    public const int MaxDigits = 28;

    /// <summary>Returns <paramref name="inputs"/> with whole numbers written plain; the same element when none needs it.</summary>
    public static JsonElement Normalize(JsonElement inputs)
    {
        if (!NeedsWork(inputs))
        {
            return inputs;
        }

        return PooledJsonBuffer.ToElement(inputs, static (writer, inputs) => Write(writer, inputs), new JsonWriterOptions { SkipValidation = true });
    }

    private static bool NeedsWork(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                return IsRewritten(element, stackalloc byte[MaxDigits + 1], out _);
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    if (NeedsWork(property.Value)) return true;
                }

                return false;
            case JsonValueKind.Array:
                foreach (JsonElement item in element.EnumerateArray())
                {
                    if (NeedsWork(item)) return true;
                }

                return false;
            default:
                return false;
        }
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                Span<byte> plain = stackalloc byte[MaxDigits + 1];
                if (IsRewritten(element, plain, out int written)) writer.WriteRawValue(plain[..written], skipInputValidation: true);
                else element.WriteTo(writer);
                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    ReadOnlySpan<byte> name = JsonMarshal.GetRawUtf8PropertyName(property);
                    if (name.IndexOf((byte)'\\') < 0) writer.WritePropertyName(name);
                    else writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (JsonElement item in element.EnumerateArray()) Write(writer, item);
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    /// <summary>Whether the number is whole, written with a fraction or exponent, and short enough to write plain (into <paramref name="plain"/>).</summary>
    private static bool IsRewritten(JsonElement number, Span<byte> plain, out int written)
    {
        ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8Value(number);
        written = 0;
        return raw.IndexOfAny((byte)'.', (byte)'e', (byte)'E') >= 0
            && JsonNumberText.TryWritePlainInteger(raw, MaxDigits, plain, out written);
    }
}
