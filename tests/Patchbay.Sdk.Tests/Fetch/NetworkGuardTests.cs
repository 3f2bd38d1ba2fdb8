using System.Net;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Sdk.Tests.Fetch;

public class NetworkGuardTests
{
    [Theory]
    [InlineData("169.254.169.254", true, "link-local")]
    [InlineData("169.254.0.1", false, "link-local")]
    [InlineData("fe80::1", true, "link-local")]
    [InlineData("::ffff:169.254.169.254", true, "link-local")]
    [InlineData("127.0.0.1", false, "loopback")]
    [InlineData("127.8.9.10", false, "loopback")]
    [InlineData("::1", false, "loopback")]
    [InlineData("::ffff:127.0.0.1", false, "loopback")]
    [InlineData("10.1.2.3", false, "private")]
    [InlineData("172.16.0.1", false, "private")]
    [InlineData("172.31.255.255", false, "private")]
    [InlineData("192.168.1.1", false, "private")]
    [InlineData("fd00::1", false, "private")]
    [InlineData("100.64.0.1", false, "shared (CGNAT)")]
    [InlineData("100.127.255.255", false, "shared (CGNAT)")]
    [InlineData("0.0.0.0", false, "unspecified")]
    [InlineData("::", false, "unspecified")]
    public void GetRefusal_RefusedAddresses_NameTheReason(string address, bool allowPrivate, string reason)
        => Assert.Equal(reason, NetworkGuard.GetRefusal(IPAddress.Parse(address), allowPrivate));

    [Theory]
    [InlineData("8.8.8.8", false)]
    [InlineData("172.32.0.1", false)]
    [InlineData("100.128.0.1", false)]
    [InlineData("2606:4700::1111", false)]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.0.0.1", true)]
    [InlineData("::1", true)]
    public void GetRefusal_AllowedAddresses_ReturnNull(string address, bool allowPrivate)
        => Assert.Null(NetworkGuard.GetRefusal(IPAddress.Parse(address), allowPrivate));

    [Theory]
    [InlineData("api.example.com", true)]
    [InlineData("API.Example.COM", true)]
    [InlineData("a.files.example.com", true)]
    [InlineData("example.com", false)]
    [InlineData("evil-example.com", false)]
    [InlineData("api.example.com.evil.net", false)]
    public void AllowedHosts_ExactOrSubdomainWildcard(string host, bool allowed)
        => Assert.Equal(allowed, AllowedHosts.IsAllowed(["api.example.com", "*.files.example.com"], new Uri($"https://{host}/x")));

    [Fact]
    public void AllowedHosts_Empty_AllowsAnyHost()
        => Assert.True(AllowedHosts.IsAllowed([], new Uri("https://anything.test/")));
}
