using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Patchbay.Platform.Hosting;

namespace Patchbay.Server.Hosting;

/// <summary>
/// The standalone host's API keys (<c>Patchbay__ApiKeys</c>), read and hashed once at start. A presented key is hashed
/// (SHA-256) and compared with every configured key's hash in fixed time, so neither the comparison nor the number of
/// keys compared says how much of a key was right.
/// </summary>
public sealed class ApiKeyCheck
{
    /// <summary>Presented keys longer than this many UTF-8 bytes are hashed from a pooled buffer instead of the stack.</summary>
    public const int MaxStackKeyBytes = 256;

    private readonly byte[][] _hashes;

    /// <summary>Hashes the keys of <paramref name="options"/>.</summary>
    public ApiKeyCheck(IOptions<PatchbayOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> keys = options.Value.ApiKeyList;
        _hashes = new byte[keys.Count][];
        for (int i = 0; i < keys.Count; i++) _hashes[i] = SHA256.HashData(Encoding.UTF8.GetBytes(keys[i]));
    }

    /// <summary>How many keys are configured; none means every keyed request is refused.</summary>
    public int Count => _hashes.Length;

    /// <summary>Whether <paramref name="presented"/> is one of the configured keys.</summary>
    public bool Matches(string presented)
    {
        ArgumentNullException.ThrowIfNull(presented);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        int length = Encoding.UTF8.GetMaxByteCount(presented.Length);
        byte[]? rented = length > MaxStackKeyBytes ? ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            Span<byte> bytes = rented ?? stackalloc byte[MaxStackKeyBytes];
            int written = Encoding.UTF8.GetBytes(presented, bytes);
            SHA256.HashData(bytes[..written], hash);
            CryptographicOperations.ZeroMemory(bytes[..written]);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }

        bool matches = false;
        foreach (byte[] expected in _hashes) matches |= CryptographicOperations.FixedTimeEquals(expected, hash);
        return matches;
    }
}
