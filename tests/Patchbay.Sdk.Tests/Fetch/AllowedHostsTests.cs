using Patchbay.Sdk.Fetch;

namespace Patchbay.Sdk.Tests.Fetch;

/// <summary>allowed_hosts matching; the address rules are in <see cref="Issue10_Item7_AddressPolicyTests"/>.</summary>
public class AllowedHostsTests
{
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
