using System.Security.Cryptography;
using Patchbay.Platform.Hosting;

namespace Patchbay.Platform.Connections;

/// <summary>
/// AES-256-GCM for credentials at rest. Keys come from <c>Patchbay__EncryptionKeys</c> (<c>keyId:base64</c>, comma-separated):
/// the first encrypts, every key decrypts, and each ciphertext records its key id, so keys rotate by
/// putting a new key first and keeping the old one until nothing uses it.
/// </summary>
public sealed class CredentialProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly (string Id, byte[] Key)[] _keys;

    public CredentialProtector(string? encryptionKeys)
    {
        var keys = new List<(string, byte[])>();
        foreach (string entry in (encryptionKeys ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int colon = entry.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) throw new InvalidOperationException($"{SettingNames.EncryptionKeys}: each key must be keyId:base64-of-32-bytes (generate one with: echo \"k1:$(openssl rand -base64 32)\").");
            string id = entry[..colon];
            byte[] key;
            try
            {
                key = Convert.FromBase64String(entry[(colon + 1)..]);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"{SettingNames.EncryptionKeys}: key '{id}' is not base64.");
            }

            if (key.Length != 32) throw new InvalidOperationException($"{SettingNames.EncryptionKeys}: key '{id}' is {key.Length} bytes; AES-256 needs 32.");
            keys.Add((id, key));
        }

        _keys = [.. keys];
    }

    public bool IsConfigured => _keys.Length > 0;

    /// <summary>Encrypts with the first key; <paramref name="associatedData"/> binds the ciphertext to its row.</summary>
    public (string KeyId, string Ciphertext) Protect(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        if (!IsConfigured) throw new EncryptionNotConfiguredException();
        (string id, byte[] key) = _keys[0];
        byte[] output = new byte[NonceSize + TagSize + plaintext.Length];
        Span<byte> nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), associatedData);
        return (id, Convert.ToBase64String(output));
    }

    public byte[] Unprotect(string keyId, string ciphertext, ReadOnlySpan<byte> associatedData)
    {
        byte[] key = Array.Find(_keys, k => k.Id == keyId).Key
            ?? throw new CryptographicException($"The credentials were encrypted with key '{keyId}', which {SettingNames.EncryptionKeys} no longer lists; add it back (after the current key) to read them.");
        byte[] input = Convert.FromBase64String(ciphertext);
        byte[] plaintext = new byte[input.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize + TagSize), input.AsSpan(NonceSize, TagSize), plaintext, associatedData);
        return plaintext;
    }
}

/// <summary>Connections need <c>Patchbay__EncryptionKeys</c>.</summary>
public sealed class EncryptionNotConfiguredException()
    : InvalidOperationException($"Stored connections need an encryption key: set {SettingNames.EncryptionKeys} to keyId:base64-of-32-bytes (generate one with: echo \"k1:$(openssl rand -base64 32)\").");
