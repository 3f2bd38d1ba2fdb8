using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Patchbay.Platform.OAuth;

/// <summary>
/// The <c>state</c> of an authorization: <c>connection id | nonce | expiry</c>, HMAC-SHA256-signed with
/// <c>Patchbay__OAuth__StateKey</c>, base64url. Signed so it cannot be forged or pointed at another connection,
/// expiring after <see cref="Lifetime"/>, and single-use because the nonce must match the one stored (encrypted)
/// on the connection row, which the callback clears with an ETag-conditional update.
/// </summary>
public sealed class OAuthStateSigner
{
    /// <summary>How long a user has to finish consenting.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>The longest state accepted, in characters (well above what <see cref="Create"/> makes).</summary>
    public const int MaxLength = 512;

    private const string Version = "v1";
    private readonly byte[]? _key;
    private readonly string? _keyError;

    public OAuthStateSigner(string? stateKey)
    {
        if (string.IsNullOrWhiteSpace(stateKey))
        {
            _keyError = "OAuth is not set up: Patchbay__OAuth__StateKey is empty. Set it to base64 of 32 random bytes (e.g. `openssl rand -base64 32`), the same on every instance.";
            return;
        }

        try
        {
            _key = Convert.FromBase64String(stateKey.Trim());
        }
        catch (FormatException)
        {
            _keyError = "Patchbay__OAuth__StateKey is not base64; set it to base64 of 32 random bytes (e.g. `openssl rand -base64 32`).";
            return;
        }

        if (_key.Length < 32)
        {
            _keyError = $"Patchbay__OAuth__StateKey is {_key.Length} bytes; it needs at least 32 (e.g. `openssl rand -base64 32`).";
            _key = null;
        }
    }

    /// <summary>Why OAuth cannot start, or <see langword="null"/> when the key is usable.</summary>
    public string? KeyError => _keyError;

    /// <summary>A signed state for <paramref name="connectionId"/> and <paramref name="nonce"/>, valid until <paramref name="expiresAt"/>.</summary>
    /// <exception cref="InvalidOperationException">The key is missing or invalid (<see cref="KeyError"/>).</exception>
    public string Create(string connectionId, string nonce, DateTimeOffset expiresAt)
    {
        byte[] key = _key ?? throw new InvalidOperationException(_keyError);
        string payload = string.Join('|', Version, connectionId, nonce, expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        byte[] bytes = Encoding.UTF8.GetBytes(payload);
        return WebEncoders.Base64UrlEncode(bytes) + "." + WebEncoders.Base64UrlEncode(HMACSHA256.HashData(key, bytes));
    }

    /// <summary>Reads a state: its connection id and nonce, or why it is refused (tampered, malformed, expired).</summary>
    public StateCheck Verify(string? state, DateTimeOffset now)
    {
        if (_key is null) return StateCheck.Refused(_keyError!);
        if (string.IsNullOrEmpty(state)) return StateCheck.Refused("The sign-in link carries no state. Start connecting again from the app.");
        if (state.Length > MaxLength) return StateCheck.Refused("The sign-in state is too long to be one Patchbay issued. Start connecting again from the app.");
        string[] parts = state.Split('.');
        byte[] payload, mac;
        try
        {
            if (parts.Length != 2) throw new FormatException();
            payload = WebEncoders.Base64UrlDecode(parts[0]);
            mac = WebEncoders.Base64UrlDecode(parts[1]);
        }
        catch (FormatException)
        {
            return StateCheck.Refused("The sign-in state is malformed: it was not issued by Patchbay or was changed on the way. Start connecting again from the app.");
        }

        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_key, payload), mac))
        {
            return StateCheck.Refused("The sign-in state's signature does not match: it was changed on the way or signed with another key. Start connecting again from the app.");
        }

        string[] fields = Encoding.UTF8.GetString(payload).Split('|');
        if (fields.Length != 4 || fields[0] != Version || !long.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out long expiry))
        {
            return StateCheck.Refused("The sign-in state has a format this version of Patchbay does not read. Start connecting again from the app.");
        }

        if (now.ToUnixTimeSeconds() >= expiry)
        {
            return StateCheck.Refused($"The sign-in link expired (links are valid for {Lifetime.TotalMinutes:0} minutes). Start connecting again from the app, or reconnect with POST /api/connections/{fields[1]}/reconnect.");
        }

        return new StateCheck(fields[1], fields[2], null);
    }
}

/// <summary>The outcome of <see cref="OAuthStateSigner.Verify"/>: the connection and nonce, or the reason it is refused.</summary>
public sealed record StateCheck(string? ConnectionId, string? Nonce, string? Error)
{
    public static StateCheck Refused(string error) => new(null, null, error);
}
