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

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = MaxDepth };
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
    private int _written;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    /// <summary>Writes with <paramref name="write"/> and parses the result into an element that owns its memory.</summary>
    /// <exception cref="ArgumentException">What <paramref name="write"/> wrote is not one complete JSON value.</exception>
    public static JsonElement ToElement<TState>(TState state, Action<Utf8JsonWriter, TState> write, JsonWriterOptions options = default)
    {
        using var buffer = Write(state, write, options);
        // Parsed into pooled metadata, then copied once into exactly sized arrays (what JsonDocument.Parse + Clone does
        // with no buffer in between); the rented arrays go back to the pool.
        using JsonDocument document = JsonDocument.Parse(buffer.WrittenMemory, ParseOptions);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Writes with <paramref name="write"/> and parses the result in place: the element lives in pooled memory (the written
    /// bytes and the parsed metadata) until <paramref name="lease"/> is disposed, which returns both to the pool. No copy.
    /// </summary>
    /// <exception cref="ArgumentException">What <paramref name="write"/> wrote is not one complete JSON value.</exception>
    public static JsonElement ToLeasedElement<TState>(TState state, Action<Utf8JsonWriter, TState> write, out IDisposable lease)
    {
        PooledJsonBuffer buffer = Write(state, write, default);
        try
        {
            JsonDocument document = JsonDocument.Parse(buffer.WrittenMemory, ParseOptions);
            lease = new Lease(document, buffer);
            return document.RootElement;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    private static PooledJsonBuffer Write<TState>(TState state, Action<Utf8JsonWriter, TState> write, JsonWriterOptions options)
    {
        var buffer = new PooledJsonBuffer();
        try
        {
            using var writer = new Utf8JsonWriter(buffer, options);
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
