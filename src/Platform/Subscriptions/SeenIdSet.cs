using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Patchbay.Platform.Polling;

namespace Patchbay.Platform.Subscriptions;

/// <summary>
/// The record ids a subscription has already delivered or queued, at most <see cref="PollingConstants.SeenIdCapacity"/>,
/// least recently seen first. Each id is kept as the first 8 bytes of its SHA-256 (a false match needs a 64-bit
/// collision within one subscription's ids). A poll <see cref="Touch">touches</see> every id it answers, so the ids
/// dropped first are those that left the upstream's answer longest ago, never one the latest poll answered while a
/// poll answers at most <see cref="PollingConstants.SeenIdCapacity"/> records (the poller refuses larger answers).
/// Stored in binary table properties of at most <see cref="IdsPerProperty"/> ids (64 KB; Table Storage allows 64 KiB each).
/// </summary>
public sealed class SeenIdSet
{
    /// <summary>Ids per binary property: 8,000 × 8 bytes = 64,000 bytes, under Table Storage's 65,536-byte limit.</summary>
    public const int IdsPerProperty = 8_000;

    /// <summary>The properties the set is stored in, in order; enough for <see cref="PollingConstants.SeenIdCapacity"/>.</summary>
    public static readonly string[] PropertyNames = ["SeenIds", "SeenIds2"];

    // Least recently seen first; the index finds a node in O(1), so touching every id of a 10,000-record poll stays linear.
    private readonly LinkedList<ulong> _order = new();
    private readonly Dictionary<ulong, LinkedListNode<ulong>> _index = [];

    public int Count => _order.Count;

    public bool Contains(string recordKey) => _index.ContainsKey(Hash(recordKey));

    /// <summary>Whether the id is in the set; when it is, it becomes the most recently seen.</summary>
    public bool Touch(string recordKey)
    {
        if (!_index.TryGetValue(Hash(recordKey), out LinkedListNode<ulong>? node)) return false;
        _order.Remove(node);
        _order.AddLast(node);
        return true;
    }

    /// <summary>Adds the id as the most recently seen (moves it there when present), dropping the least recently seen past capacity.</summary>
    public void Add(string recordKey) => Add(Hash(recordKey));

    public SeenIdSet Clone()
    {
        var clone = new SeenIdSet();
        foreach (ulong hash in _order) clone.Add(hash);
        return clone;
    }

    /// <summary>The set as little-endian 8-byte hashes, least recently seen first.</summary>
    public byte[] ToBytes()
    {
        byte[] bytes = new byte[_order.Count * 8];
        int i = 0;
        foreach (ulong hash in _order) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8 * i++), hash);
        return bytes;
    }

    /// <summary>The set split over <see cref="PropertyNames"/>: one byte array per property, <see langword="null"/> for an unused one.</summary>
    public byte[]?[] ToProperties()
    {
        byte[] all = ToBytes();
        var properties = new byte[]?[PropertyNames.Length];
        for (int p = 0; p < properties.Length; p++)
        {
            int start = p * IdsPerProperty * 8;
            if (start < all.Length) properties[p] = all.AsSpan(start, Math.Min(IdsPerProperty * 8, all.Length - start)).ToArray();
        }

        return properties;
    }

    public static SeenIdSet FromBytes(byte[]? bytes) => FromProperties([bytes]);

    /// <summary>Reads the set back from its properties (a row written before the set had a second property has only the first).</summary>
    public static SeenIdSet FromProperties(IEnumerable<byte[]?> properties)
    {
        var set = new SeenIdSet();
        foreach (byte[]? bytes in properties)
        {
            if (bytes is null) continue;
            for (int i = 0; i + 8 <= bytes.Length; i += 8) set.Add(BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i)));
        }

        return set;
    }

    private void Add(ulong hash)
    {
        if (_index.TryGetValue(hash, out LinkedListNode<ulong>? node))
        {
            _order.Remove(node);
            _order.AddLast(node);
            return;
        }

        _index[hash] = _order.AddLast(hash);
        while (_order.Count > PollingConstants.SeenIdCapacity)
        {
            _index.Remove(_order.First!.Value);
            _order.RemoveFirst();
        }
    }

    private static ulong Hash(string recordKey)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(recordKey), digest);
        return BinaryPrimitives.ReadUInt64LittleEndian(digest);
    }
}
