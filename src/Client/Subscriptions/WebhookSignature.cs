using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Patchbay.Client;

/// <summary>
/// Checks a Patchbay webhook delivery: <c>X-Patchbay-Signature</c> is <c>sha256=</c> + the hex HMAC-SHA256 of
/// <c>"{timestamp}.{body}"</c> keyed with the subscription's signing secret, and <c>X-Patchbay-Timestamp</c>
/// (Unix seconds) must be recent, so an old delivery cannot be replayed.
/// </summary>
/// <example>
/// <code>
/// bool ok = WebhookSignature.Verify(secret, request.Headers["X-Patchbay-Timestamp"], body,
///     request.Headers["X-Patchbay-Signature"], TimeSpan.FromMinutes(5));
/// </code>
/// </example>
public static class WebhookSignature
{
    /// <summary>Whether the signature is Patchbay's for this body and the timestamp is within <paramref name="tolerance"/> of now.</summary>
    /// <param name="secret">The subscription's signing secret.</param>
    /// <param name="timestamp">The <c>X-Patchbay-Timestamp</c> header.</param>
    /// <param name="body">The raw request body, exactly as received.</param>
    /// <param name="signature">The <c>X-Patchbay-Signature</c> header.</param>
    /// <param name="tolerance">How old (or how far ahead) a timestamp may be; 5 minutes is usual.</param>
    /// <param name="now">The current time; <see cref="DateTimeOffset.UtcNow"/> when <see langword="null"/>.</param>
    public static bool Verify(string secret, string? timestamp, string body, string? signature, TimeSpan tolerance, DateTimeOffset? now = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentNullException.ThrowIfNull(body);
        if (timestamp is null || signature is null || !signature.StartsWith("sha256=", StringComparison.Ordinal) || signature.Length != 7 + 64) return false;
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)) return false;
        DateTimeOffset sent;
        try
        {
            sent = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }

        if ((sent - (now ?? DateTimeOffset.UtcNow)).Duration() > tolerance) return false;
        byte[] expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        byte[] presented;
        try
        {
            presented = Convert.FromHexString(signature.AsSpan(7));
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(expected, presented);
    }
}
