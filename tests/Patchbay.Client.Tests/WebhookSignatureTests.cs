using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Patchbay.Client.Tests;

public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec_test";
    private const string Body = """{"event_id":"evt_1","record":{"id":"1"}}""";
    private static readonly DateTimeOffset s_now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public void ASignatureMadeAsDocsPollingMdSays_Verifies()
    {
        string timestamp = s_now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        Assert.True(WebhookSignature.Verify(Secret, timestamp, Body, Sign(timestamp, Body), TimeSpan.FromMinutes(5), s_now.AddMinutes(4)));
    }

    [Theory]
    [InlineData("tampered-body")]
    [InlineData("old")]
    [InlineData("future")]
    [InlineData("other-secret")]
    [InlineData("malformed")]
    [InlineData("missing")]
    public void AnythingElse_IsRefused(string kind)
    {
        string timestamp = s_now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        string signature = Sign(timestamp, Body);
        bool ok = kind switch
        {
            "tampered-body" => WebhookSignature.Verify(Secret, timestamp, Body.Replace("evt_1", "evt_2", StringComparison.Ordinal), signature, TimeSpan.FromMinutes(5), s_now),
            "old" => WebhookSignature.Verify(Secret, timestamp, Body, signature, TimeSpan.FromMinutes(5), s_now.AddMinutes(6)),
            "future" => WebhookSignature.Verify(Secret, timestamp, Body, signature, TimeSpan.FromMinutes(5), s_now.AddMinutes(-6)),
            "other-secret" => WebhookSignature.Verify("whsec_other", timestamp, Body, signature, TimeSpan.FromMinutes(5), s_now),
            "malformed" => WebhookSignature.Verify(Secret, timestamp, Body, "sha256=" + new string('z', 64), TimeSpan.FromMinutes(5), s_now),
            _ => WebhookSignature.Verify(Secret, null, Body, null, TimeSpan.FromMinutes(5), s_now),
        };
        Assert.False(ok);
    }

    private static string Sign(string timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}
