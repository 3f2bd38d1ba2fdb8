using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Patchbay.Sdk;

namespace Patchbay.Platform.Polling;

/// <summary>What a delivery looks like on the wire: its body, its stable event id, and its signature.</summary>
public static class DeliveryFormat
{
    public const string EventIdHeader = "X-Patchbay-Event-Id";
    public const string TimestampHeader = "X-Patchbay-Timestamp";
    public const string SignatureHeader = "X-Patchbay-Signature";

    /// <summary><c>evt_</c> + the first 16 bytes of SHA-256(subscription id, record id) in hex: the same record always gets the same id.</summary>
    public static string EventId(string subscriptionId, string recordKey)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(subscriptionId + "\n" + recordKey), digest);
        return "evt_" + Convert.ToHexStringLower(digest[..16]);
    }

    /// <summary><c>{"event_id","subscription_id","connector","trigger","record":{"id","data"},"polled_at"}</c> as UTF-8 JSON.</summary>
    public static byte[] Body(string eventId, string subscriptionId, string connector, string trigger, PollRecord record, DateTimeOffset polledAt)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("event_id", eventId);
            writer.WriteString("subscription_id", subscriptionId);
            writer.WriteString("connector", connector);
            writer.WriteString("trigger", trigger);
            writer.WriteStartObject("record");
            writer.WritePropertyName("id");
            record.Id.WriteTo(writer);
            writer.WritePropertyName("data");
            record.Data.WriteTo(writer);
            writer.WriteEndObject();
            writer.WriteString("polled_at", polledAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>sha256=</c> + hex HMAC-SHA256 of <c>"{timestamp}.{body}"</c> keyed with the UTF-8 bytes of the signing secret.</summary>
    public static string Signature(string signingSecret, long timestamp, ReadOnlySpan<byte> body)
    {
        byte[] prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        byte[] signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), signed));
    }

    /// <summary>A new signing secret: 32 random bytes, base64url without padding.</summary>
    public static string NewSigningSecret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
