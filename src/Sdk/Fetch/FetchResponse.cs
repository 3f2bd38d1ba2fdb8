using System.Text;
using System.Text.Json;

namespace Patchbay.Sdk;

/// <summary>An upstream answer.</summary>
/// <remarks>
/// A JSON body FetchAsync read is parsed only when <see cref="Data"/> is first read (once; the same value every time after,
/// from any thread). A handler that passes the body on without reading into it, such as the http connector building its
/// result, writes it with <see cref="WriteDataTo"/> and never builds a parsed copy.
/// </remarks>
public sealed class FetchResponse
{
    // Either _data is the body (text, an error's body, a test's value), or _json holds a UTF-8 body that is JSON or, when it
    // does not parse, text; it is parsed into _parsed (a boxed JsonElement) on the first read of Data.
    private readonly JsonElement _data;
    private readonly ReadOnlyMemory<byte> _json;
    private object? _parsed;

    /// <summary>An answer whose body is already a <see cref="JsonElement"/>.</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <param name="headers">Response and content headers; names are case-insensitive, repeated values joined with ", ".</param>
    /// <param name="data">The body: parsed JSON; text as a JSON string; <see cref="JsonValueKind.Undefined"/> when empty.</param>
    public FetchResponse(int status, IReadOnlyDictionary<string, string> headers, JsonElement data)
    {
        ArgumentNullException.ThrowIfNull(headers);
        Status = status;
        Headers = headers;
        _data = data;
    }

    private FetchResponse(int status, IReadOnlyDictionary<string, string> headers, ReadOnlyMemory<byte> json)
    {
        Status = status;
        Headers = headers;
        _json = json;
    }

    /// <summary>
    /// An answer whose body is <paramref name="utf8"/>, valid UTF-8 owned by the response: JSON when it parses (as
    /// <c>JsonDocument.Parse</c> does), otherwise the text.
    /// </summary>
    internal static FetchResponse FromUtf8Body(int status, IReadOnlyDictionary<string, string> headers, ReadOnlyMemory<byte> utf8) =>
        utf8.IsEmpty ? throw new ArgumentException("A body has at least one byte; an empty one is default(JsonElement).", nameof(utf8)) : new(status, headers, utf8);

    /// <summary>The HTTP status code.</summary>
    public int Status { get; }

    /// <summary>Response and content headers; names are case-insensitive, repeated values joined with ", ".</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The body: parsed JSON; text as a JSON string; <see cref="JsonValueKind.Undefined"/> when empty.</summary>
    public JsonElement Data => _json.IsEmpty ? _data : (JsonElement)(Volatile.Read(ref _parsed) ?? Parse());

    /// <summary>
    /// Writes the body as <see cref="Data"/> holds it (JSON <c>null</c> when there is none). A JSON body not yet parsed is
    /// copied as received after one reading pass, without building a parsed copy; into the writer of
    /// <see cref="ConnectorJson.ToElement"/> or <see cref="ActionResult.FromJson"/> it is copied at once and checked by
    /// their parse of the whole value. Either way a reader of what was written sees the same value as <see cref="Data"/>.
    /// </summary>
    public void WriteDataTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_json.IsEmpty)
        {
            if (_data.ValueKind == JsonValueKind.Undefined) writer.WriteNullValue(); else _data.WriteTo(writer);
        }
        else if (Volatile.Read(ref _parsed) is JsonElement parsed)
        {
            parsed.WriteTo(writer);
        }
        else if (PooledJsonBuffer.TryWriteUnchecked(writer, _json.Span))
        {
            // Copied into ConnectorJson.ToElement's or ActionResult.FromJson's buffer: its parse checks it is one value, and
            // the callback writes again, checked, when it is not.
        }
        else if (Schema.JsonValues.IsOneDocument(_json.Span))
        {
            // Checked just now: one complete value, so the writer's own check would only read it again.
            writer.WriteRawValue(_json.Span, skipInputValidation: true);
        }
        else
        {
            writer.WriteStringValue(Encoding.UTF8.GetString(_json.Span));
        }
    }

    /// <summary>Parses one JSON value from UTF-8 into an element that owns its memory; <see langword="false"/> when it is not JSON.</summary>
    internal static bool TryParseJson(ReadOnlyMemory<byte> utf8, out JsonElement value)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(utf8);
            value = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            value = default;
            return false;
        }
    }

    private object Parse()
    {
        // Labelled JSON that is not, or unlabelled text: the text.
        object parsed = TryParseJson(_json, out JsonElement json) ? json : JsonSerializer.SerializeToElement(Encoding.UTF8.GetString(_json.Span));
        // Two threads reading Data at once may both parse; the first stored value is the one every reader gets.
        return Interlocked.CompareExchange(ref _parsed, parsed, null) ?? parsed;
    }
}
