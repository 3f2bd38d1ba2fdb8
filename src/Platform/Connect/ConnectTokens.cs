using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Patchbay.Platform.Hosting;

namespace Patchbay.Platform.Connect;

/// <summary>What a connect token grants: one entity, the connectors it may connect, where the user lands afterwards, until when.</summary>
public sealed record ConnectSession(
    [property: JsonPropertyName("sid")] string SessionId,
    [property: JsonPropertyName("kid")] string KeyId,
    [property: JsonPropertyName("ent")] string EntityId,
    [property: JsonPropertyName("con")] IReadOnlyList<string> Connectors,
    [property: JsonPropertyName("ru")] string? RedirectUri,
    [property: JsonPropertyName("exp")] long ExpiresAtUnixSeconds)
{
    [JsonIgnore]
    public DateTimeOffset ExpiresAt => DateTimeOffset.FromUnixTimeSeconds(ExpiresAtUnixSeconds);
}

/// <summary>Why a connect token or form token was refused; <see cref="Status"/> is 400 (unreadable, tampered, expired) or 403 (not allowed).</summary>
public sealed class ConnectTokenException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>
/// Signs and checks connect tokens and the connect page's form tokens. Stateless: a token is
/// <c>base64url(JSON claims) "." base64url(HMAC-SHA256)</c>, so any instance can check it without storage.
/// The HMAC keys are derived (HKDF-SHA256, info <c>patchbay/connect-session/v1</c>) from <c>Patchbay__EncryptionKeys</c>:
/// the first key signs, every key checks (the claims name the key id), so rotating the encryption keys rotates these too
/// and no further secret needs to be set. Tokens live <see cref="Lifetime"/>; they can be used more than once within it
/// (a user may connect several accounts), and they carry no secret.
/// </summary>
public sealed class ConnectTokens
{
    /// <summary>How long a connect token (and so the page) is valid: 15 minutes from <c>POST /api/connect-sessions</c>.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    /// <summary>The longest token Patchbay reads, in characters (a longer one is refused before any parsing).</summary>
    public const int MaxTokenChars = 4096;

    private static readonly byte[] s_sessionInfo = "patchbay/connect-session/v1"u8.ToArray();
    private static readonly byte[] s_formInfo = "patchbay/connect-form/v1"u8.ToArray();
    private readonly (string Id, byte[] SessionKey, byte[] FormKey)[] _keys;
    private readonly TimeProvider _time;

    public ConnectTokens(string? encryptionKeys, TimeProvider time)
    {
        _time = time;
        var keys = new List<(string, byte[], byte[])>();
        foreach (string entry in (encryptionKeys ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int colon = entry.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) continue; // CredentialProtector refuses malformed keys at start-up with the fix.
            byte[] secret;
            try
            {
                secret = Convert.FromBase64String(entry[(colon + 1)..]);
            }
            catch (FormatException)
            {
                continue;
            }

            keys.Add((entry[..colon], HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: s_sessionInfo), HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: s_formInfo)));
        }

        _keys = [.. keys];
    }

    public bool IsConfigured => _keys.Length > 0;

    /// <summary>A new session token for <paramref name="entityId"/>, valid for <see cref="Lifetime"/>.</summary>
    public (string Token, ConnectSession Session) Issue(string entityId, IReadOnlyList<string> connectors, string? redirectUri)
    {
        if (!IsConfigured)
        {
            throw new ApiProblem(503, ProblemTypes.NotConfigured, "Connect sessions are not configured",
                $"Connect tokens are signed with a key derived from {SettingNames.EncryptionKeys}; set it (generate one with: echo \"k1:$(openssl rand -base64 32)\").");
        }

        (string keyId, byte[] key, _) = _keys[0];
        var session = new ConnectSession(Base64Url(RandomNumberGenerator.GetBytes(16)), keyId, entityId, connectors, redirectUri,
            _time.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds());
        string claims = Base64Url(JsonSerializer.SerializeToUtf8Bytes(session));
        return (claims + "." + Base64Url(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(claims))), session);
    }

    /// <summary>The session a token grants, or <see cref="ConnectTokenException"/> saying why not (malformed, tampered, expired).</summary>
    public ConnectSession Read(string? token)
    {
        const string AskAgain = "Ask the app that sent you here for a new connect link.";
        if (string.IsNullOrEmpty(token)) throw new ConnectTokenException(400, "This link has no connect token. " + AskAgain);
        if (token.Length > MaxTokenChars) throw new ConnectTokenException(400, $"This connect token is longer than {MaxTokenChars} characters, so it is not one Patchbay made. " + AskAgain);
        int dot = token.IndexOf('.', StringComparison.Ordinal);
        byte[]? claims = dot > 0 ? FromBase64Url(token[..dot]) : null;
        byte[]? signature = dot > 0 ? FromBase64Url(token[(dot + 1)..]) : null;
        ConnectSession? session = null;
        if (claims is not null && signature is not null)
        {
            try
            {
                session = JsonSerializer.Deserialize<ConnectSession>(claims);
            }
            catch (JsonException)
            {
                session = null;
            }
        }

        if (session is null || session.EntityId is null || session.Connectors is null || session.SessionId is null)
        {
            throw new ConnectTokenException(400, "This connect token is not valid: it was cut short or changed. " + AskAgain);
        }

        (string Id, byte[] SessionKey, byte[] FormKey) key = Array.Find(_keys, k => k.Id == session.KeyId);
        if (key.SessionKey is null
            || !CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key.SessionKey, Encoding.ASCII.GetBytes(token[..dot])), signature))
        {
            throw new ConnectTokenException(400, "This connect token is not valid: its signature does not match (it was changed, or it was signed with a key this server no longer has). " + AskAgain);
        }

        if (_time.GetUtcNow() >= session.ExpiresAt)
        {
            throw new ConnectTokenException(400, $"This connect link expired at {session.ExpiresAt:yyyy-MM-dd HH:mm} UTC; links are valid for {Lifetime.TotalMinutes:0} minutes. " + AskAgain);
        }

        return session;
    }

    /// <summary>
    /// The form token for one connector's form on one session's page in one browser: an HMAC (its own derived key) over
    /// the session id, the connector and <paramref name="browserNonce"/>, the random value of the page's SameSite=Strict,
    /// HttpOnly cookie. A post must carry the form token and the cookie it was made for (a signed double submit), so a
    /// form token cannot be moved to another session, entity, connector or browser, and a cross-site post, which
    /// carries no SameSite=Strict cookie, is refused.
    /// </summary>
    public string FormToken(ConnectSession session, string connectorId, string browserNonce)
    {
        byte[] key = Array.Find(_keys, k => k.Id == session.KeyId).FormKey ?? throw new ConnectTokenException(400, "This connect token's key is gone.");
        return Base64Url(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(session.SessionId + "\n" + connectorId + "\n" + browserNonce)));
    }

    /// <summary>True when <paramref name="presented"/> is the form token of this session, connector and browser nonce.</summary>
    public bool IsFormToken(ConnectSession session, string connectorId, string? browserNonce, string? presented) =>
        presented is { Length: > 0 and <= 64 } && IsBrowserNonce(browserNonce)
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(FormToken(session, connectorId, browserNonce!)), Encoding.ASCII.GetBytes(presented));

    /// <summary>A new random value for the page's cookie.</summary>
    public static string NewBrowserNonce() => Base64Url(RandomNumberGenerator.GetBytes(16));

    /// <summary>True for a value <see cref="NewBrowserNonce"/> could have made (22 base64url characters).</summary>
    public static bool IsBrowserNonce(string? value) => value is { Length: 22 } && FromBase64Url(value) is { Length: 16 };

    private static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? FromBase64Url(string text)
    {
        if (text.Length == 0 || text.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))) return null;
        string padded = text.Replace('-', '+').Replace('_', '/');
        padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", _ => string.Empty };
        try
        {
            return Convert.FromBase64String(padded);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
