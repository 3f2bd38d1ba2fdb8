using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Patchbay.Platform.Polling;

namespace Patchbay.Platform.Subscriptions;

/// <summary>
/// The record ids a subscription has already delivered or queued, newest last, at most
/// <see cref="PollingConstants.SeenIdCapacity"/>. Each id is kept as the first 8 bytes of its SHA-256, so
/// the whole set fits one binary table property (8 KB) whatever the ids look like; a false match needs a
/// 64-bit collision within one subscription's last thousand ids.
/// </summary>
public sealed class SeenIdSet
{
    private readonly List<ulong> _order;
    private readonly HashSet<ulong> _lookup;

    public SeenIdSet() : this([])
    {
    }

    private SeenIdSet(List<ulong> order)
    {
        _order = order;
        _lookup = [.. order];
    }

    public int Count => _order.Count;

    public bool Contains(string recordKey) => _lookup.Contains(Hash(recordKey));

    /// <summary>Adds the id (no-op when present), dropping the oldest past capacity.</summary>
    public void Add(string recordKey)
    {
        ulong hash = Hash(recordKey);
        if (!_lookup.Add(hash)) return;
        _order.Add(hash);
        while (_order.Count > PollingConstants.SeenIdCapacity)
        {
            _lookup.Remove(_order[0]);
            _order.RemoveAt(0);
        }
    }

    public SeenIdSet Clone() => new([.. _order]);

    public byte[] ToBytes()
    {
        byte[] bytes = new byte[_order.Count * 8];
        for (int i = 0; i < _order.Count; i++) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), _order[i]);
        return bytes;
    }

    public static SeenIdSet FromBytes(byte[]? bytes)
    {
        if (bytes is null) return new SeenIdSet();
        var order = new List<ulong>(bytes.Length / 8);
        for (int i = 0; i + 8 <= bytes.Length; i += 8) order.Add(BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i)));
        return new SeenIdSet(order);
    }

    private static ulong Hash(string recordKey)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(recordKey), digest);
        return BinaryPrimitives.ReadUInt64LittleEndian(digest);
    }
}
