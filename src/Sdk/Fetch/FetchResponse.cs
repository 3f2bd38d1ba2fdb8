using System.Text.Json;

namespace Patchbay.Sdk;

/// <summary>An upstream answer.</summary>
/// <remarks>
/// A JSON body FetchAsync read is checked when it arrives but parsed only when <see cref="Data"/> is first read (once; the
/// same value every time after, from any thread). A handler that passes the body on without reading into it, such as
/// the http connector building its result, writes it with <see cref="WriteDataTo"/> and never builds a parsed copy.
/// </remarks>
public sealed class FetchResponse
{
    // Either _data is the body (text, an error's body, a test's value), or _json holds a JSON document already checked to
    // parse (Utf8JsonReader, the same rules as JsonDocument.Parse), parsed into _parsed on the first read of Data.
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

    /// <summary>An answer whose body is <paramref name="json"/>: one JSON value in UTF-8, checked to parse, owned by the response.</summary>
    internal static FetchResponse FromCheckedJson(int status, IReadOnlyDictionary<string, string> headers, ReadOnlyMemory<byte> json) =>
        json.IsEmpty ? throw new ArgumentException("A JSON body has at least one byte.", nameof(json)) : new(status, headers, json);

    /// <summary>The HTTP status code.</summary>
    public int Status { get; }

    /// <summary>Response and content headers; names are case-insensitive, repeated values joined with ", ".</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The body: parsed JSON; text as a JSON string; <see cref="JsonValueKind.Undefined"/> when empty.</summary>
    public JsonElement Data => _json.IsEmpty ? _data : (JsonElement)(Volatile.Read(ref _parsed) ?? Parse());

    /// <summary>
    /// Writes the body as <see cref="Data"/> holds it (JSON <c>null</c> when there is none). A JSON body not yet parsed is
    /// copied as received, without parsing it; either way a reader of what was written sees the same value as <see cref="Data"/>.
    /// </summary>
    public void WriteDataTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (!_json.IsEmpty)
        {
            // Checked when it arrived: one complete value, so the writer's own check would only read it again.
            writer.WriteRawValue(_json.Span, skipInputValidation: true);
        }
        else if (_data.ValueKind == JsonValueKind.Undefined)
        {
            writer.WriteNullValue();
        }
        else
        {
            _data.WriteTo(writer);
        }
    }

    private object Parse()
    {
        using JsonDocument document = JsonDocument.Parse(_json);
        object parsed = document.RootElement.Clone();
        // Two threads reading Data at once may both parse; the first stored value is the one every reader gets.
        return Interlocked.CompareExchange(ref _parsed, parsed, null) ?? parsed;
    }
}
