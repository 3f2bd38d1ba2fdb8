using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Patchbay.Sdk;

/// <summary>
/// The ids one poll has kept, compared as <see cref="PollRecord.Key"/> compares them (a string's value, a number's JSON
/// text) but on their UTF-8 bytes: an unescaped string's raw bytes and a number's text are the key already, so no
/// string is made per id. Only a string written with escapes is decoded (and <see cref="JsonElement.GetString"/>
/// throws for a lone surrogate, as reading <see cref="PollRecord.Key"/> does). The table is rented from the shared
/// pool and sized for the batch once (twice the records, rounded up to a power of two); dispose to return it.
/// </summary>
internal sealed class PollRecordIds : IDisposable
{
    private readonly IReadOnlyList<PollRecord> _records;
    private readonly int _mask;
    private int[] _buckets; // entry index + 1; 0 is empty
    private int[] _entries; // per entry: record index, hash, next entry + 1
    private Dictionary<int, byte[]>? _decoded; // record index → UTF-8 of an escaped string id
    private int _count;

    public PollRecordIds(IReadOnlyList<PollRecord> records)
    {
        _records = records;
        int size = (int)Math.Min(1L << 30, (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(records.Count, 8) * 2));
        _mask = size - 1;
        _buckets = ArrayPool<int>.Shared.Rent(size);
        Array.Clear(_buckets, 0, size);
        _entries = ArrayPool<int>.Shared.Rent(checked(Math.Max(records.Count, 1) * 3));
    }

    /// <summary>
    /// Reads record <paramref name="index"/>'s id: <see langword="false"/> when it is not a non-empty string or a number.
    /// </summary>
    public bool TryRead(int index)
    {
        JsonElement id = _records[index].Id;
        switch (id.ValueKind)
        {
            case JsonValueKind.Number:
                return true;
            case JsonValueKind.String:
                ReadOnlySpan<byte> raw = RawString(id);
                if (raw.IndexOf((byte)'\\') >= 0)
                {
                    (_decoded ??= [])[index] = Encoding.UTF8.GetBytes(id.GetString()!);
                    return true; // an escape is at least one character
                }

                return raw.Length > 0;
            default:
                return false;
        }
    }

    /// <summary>Adds record <paramref name="index"/>'s id (read with <see cref="TryRead"/>); <see langword="false"/> when an earlier record had it.</summary>
    public bool Add(int index)
    {
        ReadOnlySpan<byte> key = Key(index);
        var hasher = default(HashCode);
        hasher.AddBytes(key);
        int hash = hasher.ToHashCode();
        ref int bucket = ref _buckets[hash & _mask];
        for (int entry = bucket; entry != 0; entry = _entries[((entry - 1) * 3) + 2])
        {
            int at = (entry - 1) * 3;
            if (_entries[at + 1] == hash && Key(_entries[at]).SequenceEqual(key))
            {
                return false;
            }
        }

        int slot = _count * 3;
        _entries[slot] = index;
        _entries[slot + 1] = hash;
        _entries[slot + 2] = bucket;
        bucket = ++_count;
        return true;
    }

    public void Dispose()
    {
        if (_buckets.Length > 0)
        {
            ArrayPool<int>.Shared.Return(_buckets);
            ArrayPool<int>.Shared.Return(_entries);
            _buckets = [];
            _entries = [];
        }
    }

    private ReadOnlySpan<byte> Key(int index)
    {
        if (_decoded is not null && _decoded.TryGetValue(index, out byte[]? decoded))
        {
            return decoded;
        }

        JsonElement id = _records[index].Id;
        return id.ValueKind == JsonValueKind.String ? RawString(id) : JsonMarshal.GetRawUtf8Value(id);
    }

    private static ReadOnlySpan<byte> RawString(JsonElement value) => JsonMarshal.GetRawUtf8Value(value)[1..^1];
}
