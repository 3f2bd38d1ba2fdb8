using System.Buffers;
using System.Text.Json;

namespace Patchbay.Sdk;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over arrays rented from <see cref="ArrayPool{T}.Shared"/>, for JSON written only to be
/// parsed into an owned <see cref="JsonElement"/> (<see cref="ToElement"/>): the bytes in between are never garbage.
/// Not thread-safe; dispose it once (it returns its array).
/// </summary>
internal sealed class PooledJsonBuffer : IBufferWriter<byte>, IDisposable
{
    private const int InitialSize = 4096;

    /// <summary>
    /// How deep a written value may be: a JSON document's default depth (64, what FetchAsync and JsonDocument read) and room
    /// for the connector's own nesting around such a value (a result that wraps a 64-level upstream body is deeper than 64).
    /// </summary>
    public const int MaxDepth = 128;

    // JsonDocument's and Utf8JsonReader's default depth: what FetchResponse.Data reads as JSON.
    private const int DocumentDepth = 64;

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = MaxDepth };
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
    private int _written;

    // The buffer a Write on this thread is filling with deferred checks on, and the writer it gave the callback.
    [ThreadStatic]
    private static PooledJsonBuffer? t_deferring;

    private Utf8JsonWriter? _writer;
    private (int Start, int End, int Depth)? _deferred;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    /// <summary>Writes with <paramref name="write"/> and parses the result into an element that owns its memory.</summary>
    /// <exception cref="ArgumentException">What <paramref name="write"/> wrote is not one complete JSON value.</exception>
    public static JsonElement ToElement<TState>(TState state, Action<Utf8JsonWriter, TState> write, JsonWriterOptions options = default)
    {
        (JsonDocument document, PooledJsonBuffer buffer) = WriteAndParse(state, write, options);
        // Parsed into pooled metadata, then copied once into exactly sized arrays (what JsonDocument.Parse + Clone does
        // with no buffer in between); the rented arrays go back to the pool.
        using (buffer)
        using (document)
        {
            return document.RootElement.Clone();
        }
    }

    /// <summary>
    /// Writes with <paramref name="write"/> and parses the result in place: the element lives in pooled memory (the written
    /// bytes and the parsed metadata) until <paramref name="lease"/> is disposed, which returns both to the pool. No copy.
    /// </summary>
    /// <exception cref="ArgumentException">What <paramref name="write"/> wrote is not one complete JSON value.</exception>
    public static JsonElement ToLeasedElement<TState>(TState state, Action<Utf8JsonWriter, TState> write, out IDisposable lease)
    {
        (JsonDocument document, PooledJsonBuffer buffer) = WriteAndParse(state, write, default);
        lease = new Lease(document, buffer);
        return document.RootElement;
    }

    /// <summary>
    /// Copies <paramref name="json"/>, a body that may or may not be one JSON value, into <paramref name="writer"/> unchecked
    /// when the writer is the one this thread's <see cref="ToElement"/> or <see cref="ToLeasedElement"/> gave its callback:
    /// the parse of everything written checks it then, where a separate pass would read it once more first (issue 15). At
    /// most one body per value is deferred; <see langword="false"/> (nothing written) for the others and any other writer.
    /// </summary>
    /// <remarks>When the body turns out not to be one JSON value, the callback writes everything again with every body checked.</remarks>
    internal static bool TryWriteUnchecked(Utf8JsonWriter writer, ReadOnlySpan<byte> json)
    {
        if (t_deferring is not { _deferred: null } buffer || !ReferenceEquals(buffer._writer, writer)) return false;
        int depth = writer.CurrentDepth;
        writer.WriteRawValue(json, skipInputValidation: true);
        // The writer started at the buffer's start: what it committed and holds is where it is, and the body its last bytes.
        int end = checked((int)(writer.BytesCommitted + writer.BytesPending));
        buffer._deferred = (end - json.Length, end, depth);
        return true;
    }

    // Writes, then parses; a body copied unchecked must be exactly one value of the parsed document, as deep as a document
    // may be below where it was written (what FetchResponse.Data reads as JSON). If not, the callback writes again, checked.
    private static (JsonDocument Document, PooledJsonBuffer Buffer) WriteAndParse<TState>(TState state, Action<Utf8JsonWriter, TState> write, JsonWriterOptions options)
    {
        PooledJsonBuffer buffer = Write(state, write, options, deferChecks: true);
        try
        {
            if (buffer._deferred is { } deferred)
            {
                if (TryParseDeferred(buffer, deferred) is { } checkedDocument) return (checkedDocument, buffer);
                buffer.Dispose();
                buffer = Write(state, write, options, deferChecks: false);
            }

            return (JsonDocument.Parse(buffer.WrittenMemory, ParseOptions), buffer);
        }
        catch
        {
            // Disposing twice is harmless (the second Write threw before replacing the first, already disposed, buffer).
            buffer.Dispose();
            throw;
        }
    }

    private static JsonDocument? TryParseDeferred(PooledJsonBuffer buffer, (int Start, int End, int Depth) deferred)
    {
        ReadOnlySpan<byte> written = buffer.WrittenMemory.Span;
        int start = deferred.Start, end = deferred.End;
        while (start < end && IsJsonWhiteSpace(written[start])) start++;
        while (end > start && IsJsonWhiteSpace(written[end - 1])) end--;
        if (start == end) return null;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = Math.Min(MaxDepth, deferred.Depth + DocumentDepth) });
        }
        catch (JsonException)
        {
            return null;
        }

        if (IsOneValue(document.RootElement, written, start, end)) return document;
        document.Dispose();
        return null;
    }

    // Whether some value of the document spans exactly [start, end): then those bytes are one complete JSON value. Descends
    // only into the container holding the range.
    private static bool IsOneValue(JsonElement element, ReadOnlySpan<byte> written, int start, int end)
    {
        while (true)
        {
            (int from, int to) = Span(element, written);
            if (from == start && to == end) return true;
            if (from > start || to < end) return false;

            bool found = false;
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    if (Contains(property.Value, written, start, end)) { element = property.Value; found = true; break; }
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement item in element.EnumerateArray())
                {
                    if (Contains(item, written, start, end)) { element = item; found = true; break; }
                }
            }

            if (!found) return false;
        }
    }

    private static bool Contains(JsonElement element, ReadOnlySpan<byte> written, int start, int end)
    {
        (int from, int to) = Span(element, written);
        return from <= start && to >= end;
    }

    // Where the element's text lies in the written bytes the document was parsed from (it reads them in place).
    private static (int From, int To) Span(JsonElement element, ReadOnlySpan<byte> written)
    {
        ReadOnlySpan<byte> raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element);
        int from = (int)System.Runtime.CompilerServices.Unsafe.ByteOffset(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(written), ref System.Runtime.InteropServices.MemoryMarshal.GetReference(raw));
        return (from, from + raw.Length);
    }

    private static bool IsJsonWhiteSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';

    private static PooledJsonBuffer Write<TState>(TState state, Action<Utf8JsonWriter, TState> write, JsonWriterOptions options, bool deferChecks)
    {
        var buffer = new PooledJsonBuffer();
        PooledJsonBuffer? outer = t_deferring;
        try
        {
            using var writer = new Utf8JsonWriter(buffer, options);
            // This thread's innermost write (a callback may write another value inside its own), restored below.
            buffer._writer = deferChecks ? writer : null;
            t_deferring = deferChecks ? buffer : null;
            write(writer, state);
            writer.Flush();
            if (writer.CurrentDepth != 0 || writer.BytesCommitted == 0)
            {
                throw new ArgumentException("The JSON written is not one complete value: write one value, and close every object and array it opens.", nameof(write));
            }

            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
        finally
        {
            t_deferring = outer;
            buffer._writer = null;
        }
    }

    // The document first (its elements throw ObjectDisposedException from then on), then the bytes it read; once only.
    private sealed class Lease(JsonDocument document, PooledJsonBuffer buffer) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            document.Dispose();
            buffer.Dispose();
        }
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_written + count > _buffer.Length) throw new InvalidOperationException("Advanced past the buffer's end.");
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        int start = Reserve(sizeHint); // first: it may replace _buffer
        return _buffer.AsMemory(start);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        int start = Reserve(sizeHint);
        return _buffer.AsSpan(start);
    }

    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }

    private int Reserve(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written < needed)
        {
            // Doubles, at least; an array larger than .NET allows throws OutOfMemoryException from Rent, as ArrayBufferWriter's does.
            int size = (int)Math.Min(Array.MaxLength, Math.Max((long)_buffer.Length * 2, (long)_written + needed));
            byte[] larger = ArrayPool<byte>.Shared.Rent(size);
            _buffer.AsSpan(0, _written).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        return _written;
    }
}
