using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Patchbay.Sdk.Fetch;
using Patchbay.Testing;

namespace Patchbay.Sdk.Tests.Fetch;

/// <summary>
/// Issue 10, item 7: the address table from the IANA special-purpose registries, first through the
/// policy's decision, then through real requests that must not reach a listener on this machine.
/// </summary>
public class Issue10_Item7_AddressPolicyTests
{
    /// <summary>Address; refused with private networks off; refused with them on; a fragment of the reason.</summary>
    public static TheoryData<string, bool, bool, string?> Table => new()
    {
        // IPv4 special-purpose registry: not globally reachable.
        { "0.0.0.0", true, false, "\"this network\" (0.0.0.0/8)" },
        { "0.1.2.3", true, false, "\"this network\"" },
        { "10.1.2.3", true, false, "private-use (10.0.0.0/8)" },
        { "100.64.0.1", true, false, "shared address space (CGNAT) (100.64.0.0/10)" },
        { "100.127.255.255", true, false, "shared address space" },
        { "127.0.0.1", true, false, "loopback (127.0.0.0/8)" },
        { "127.8.9.10", true, false, "loopback" },
        { "172.16.0.1", true, false, "private-use (172.16.0.0/12)" },
        { "172.31.255.255", true, false, "private-use" },
        { "192.0.0.1", true, false, "IETF protocol assignments (192.0.0.0/24)" },
        { "192.0.0.8", true, false, "IETF protocol assignments" },
        { "192.0.0.170", true, false, "IETF protocol assignments" },
        { "192.0.2.2", true, false, "documentation (TEST-NET-1) (192.0.2.0/24)" },
        { "192.88.99.1", true, false, "deprecated 6to4 relay anycast" },
        { "192.168.1.1", true, false, "private-use (192.168.0.0/16)" },
        { "198.18.0.1", true, false, "benchmarking (198.18.0.0/15)" },
        { "198.19.255.255", true, false, "benchmarking" },
        { "198.51.100.7", true, false, "TEST-NET-2" },
        { "203.0.113.9", true, false, "TEST-NET-3" },
        { "224.0.0.1", true, false, "multicast (224.0.0.0/4)" },
        { "239.255.255.250", true, false, "multicast" },
        { "240.0.0.1", true, false, "reserved (240.0.0.0/4)" },
        { "255.255.255.255", true, false, "limited broadcast" },

        // Never, whatever the setting: link-local and metadata.
        { "169.254.169.254", true, true, "link-local (169.254.0.0/16)" },
        { "169.254.0.1", true, true, "link-local" },
        { "168.63.129.16", true, true, "Azure WireServer" },
        { "100.100.100.200", true, true, "Alibaba Cloud metadata" },
        { "fe80::1", true, true, "link-local (fe80::/10)" },
        { "fe80::1%2", true, true, "link-local" },
        { "fd00:ec2::254", true, true, "AWS metadata" },

        // IPv6 special-purpose registry.
        { "::", true, false, "unspecified (::/128)" },
        { "::1", true, false, "loopback (::1/128)" },
        { "64:ff9b:1::1", true, false, "local-use IPv4/IPv6 translation (64:ff9b:1::/48)" },
        { "100::1", true, false, "discard-only (100::/64)" },
        { "2001::1", true, false, "Teredo (2001::/32)" },
        { "2001:0:4136:e378:8000:63bf:3fff:fdd2", true, false, "Teredo" },
        { "2001:2::1", true, false, "benchmarking (2001:2::/48)" },
        { "2001:10::1", true, false, "deprecated ORCHID" },
        { "2001:100::1", true, false, "IETF protocol assignments (2001::/23)" },
        { "2001:db8::1", true, false, "documentation (2001:db8::/32)" },
        { "3fff::1", true, false, "documentation (3fff::/20)" },
        { "5f00::1", true, false, "segment routing" },
        { "fc00::1", true, false, "unique-local (fc00::/7)" },
        { "fd00::2", true, false, "unique-local" },
        { "fec0::1", true, false, "deprecated site-local" },
        { "ff02::1", true, false, "multicast (ff00::/8)" },
        { "1234::1", true, false, "outside global unicast" },

        // Embedded IPv4, judged by the IPv4 address.
        { "::ffff:127.0.0.1", true, false, "loopback (127.0.0.0/8) as IPv4-mapped" },
        { "::ffff:192.0.2.2", true, false, "TEST-NET-1" },
        { "::ffff:169.254.169.254", true, true, "link-local (169.254.0.0/16) as IPv4-mapped" },
        { "::127.0.0.1", true, false, "loopback (127.0.0.0/8) as IPv4-compatible" },
        { "::169.254.169.254", true, true, "link-local" },
        { "::8.8.8.8", true, false, "IPv4-compatible (::/96, deprecated" },
        { "64:ff9b::7f00:1", true, false, "loopback (127.0.0.0/8) as NAT64 (64:ff9b::/96) 127.0.0.1" },
        { "64:ff9b::c000:202", true, false, "TEST-NET-1" },
        { "64:ff9b::a9fe:a9fe", true, true, "link-local" },
        { "64:ff9b::a83f:8110", true, true, "Azure WireServer" },
        { "64:ff9b:1:a9fe:a9:fe00::", true, true, "link-local (169.254.0.0/16) as local-use NAT64 /48" },
        { "64:ff9b:1::a9fe:a9fe", true, true, "link-local" },
        { "2002:7f00:1::", true, false, "loopback (127.0.0.0/8) as 6to4 (2002::/16) 127.0.0.1" },
        { "2002:c000:202::", true, false, "TEST-NET-1" },
        { "2002:a9fe:a9fe::1", true, true, "link-local" },
        { "2001:0:4136:e378:8000:63bf:5601:5601", true, true, "link-local (169.254.0.0/16) as Teredo client" },
        { "::ffff:0:a9fe:a9fe", true, true, "IPv4-translated" },
        { "::ffff:0:7f00:1", true, false, "outside global unicast" },

        // Globally reachable, including the registries' exceptions inside refused blocks.
        { "8.8.8.8", false, false, null },
        { "1.1.1.1", false, false, null },
        { "172.32.0.1", false, false, null },
        { "100.128.0.1", false, false, null },
        { "192.0.0.9", false, false, null },
        { "192.0.0.10", false, false, null },
        { "192.31.196.1", false, false, null },
        { "192.52.193.1", false, false, null },
        { "198.20.0.1", false, false, null },
        { "2606:4700::1111", false, false, null },
        { "2001:1::1", false, false, null },
        { "2001:1::2", false, false, null },
        { "2001:1::3", false, false, null },
        { "2001:3::1", false, false, null },
        { "2001:4:112::1", false, false, null },
        { "2001:20::1", false, false, null },
        { "2001:2f::1", false, false, null },
        { "2001:30::1", false, false, null },
        { "2001:3f::1", false, false, null },
        { "2001:200::1", false, false, null },
        { "2620:4f:8000::1", false, false, null },
        { "::ffff:8.8.8.8", false, false, null },
        { "64:ff9b::808:808", false, false, null },
        { "2002:808:808::1", false, false, null },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Item7_Decision_FollowsTheRegistries(string address, bool refusedWithoutPrivate, bool refusedWithPrivate, string? reason)
    {
        IPAddress ip = IPAddress.Parse(address);
        string? withoutPrivate = NetworkAddressPolicy.GetRefusal(ip, allowPrivateNetworks: false);
        string? withPrivate = NetworkAddressPolicy.GetRefusal(ip, allowPrivateNetworks: true);

        Assert.True(refusedWithoutPrivate == withoutPrivate is not null, $"{address} without private networks: {withoutPrivate ?? "allowed"}");
        Assert.True(refusedWithPrivate == withPrivate is not null, $"{address} with private networks: {withPrivate ?? "allowed"}");
        Assert.Equal(refusedWithPrivate, NetworkAddressPolicy.IsNeverAllowed(ip));
        if (reason is not null)
        {
            Assert.Contains(reason, withoutPrivate, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Item7_EveryRefusedAddressInTheTable_IsRefusedByRealRequests_AndNothingIsReached()
    {
        // The listener answers on every address of this machine; a request that slipped past the guard to an
        // address the OS routes here (127.0.0.1, 0.0.0.0, ::, ::ffff:127.0.0.1, this machine's own addresses) would count.
        await using EveryAddressListener listener = await EveryAddressListener.StartAsync();
        foreach (bool allowPrivate in new[] { false, true })
        {
            var guard = new NetworkGuard(allowPrivate);
            using var raw = new HttpClient(guard.CreateHandler());
            using var fetch = new FetchClient(new FetchOptions { AllowPrivateNetworks = allowPrivate, MaxRetries = 0 });
            foreach (object?[] row in Table)
            {
                string address = (string)row[0]!;
                bool refused = (bool)row[allowPrivate ? 2 : 1]!;
                if (!refused || address.Contains('%', StringComparison.Ordinal)) continue;
                string url = $"http://{Host(address)}:{listener.Port}/item7";

                // The connect step on its own (the handler every outbound client is built from)...
                HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(() => raw.GetAsync(url));
                Assert.IsType<FetchBlockedException>(error.InnerException);

                // ...and FetchAsync, which refuses an IP literal before it builds the request.
                await Assert.ThrowsAsync<FetchBlockedException>(() => new ConnectorContext(fetch).FetchAsync(url));
            }
        }

        Assert.Equal(0, listener.Connections);
    }

    [Fact]
    public async Task Item7_ThisMachinesOwnAddresses_ReachTheListenerOnlyWithPrivateNetworks()
    {
        await using EveryAddressListener listener = await EveryAddressListener.StartAsync();
        string[] spellings = [.. ThisMachine()];

        using (var blocked = new HttpClient(new NetworkGuard(allowPrivateNetworks: false).CreateHandler()))
        {
            foreach (string address in spellings)
            {
                HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(() => blocked.GetAsync($"http://{Host(address)}:{listener.Port}/"));
                Assert.IsType<FetchBlockedException>(error.InnerException);
            }
        }

        Assert.Equal(0, listener.Connections);

        // The same spellings do reach it when private networks are allowed: the refusals above were the guard's.
        using var allowed = new HttpClient(new NetworkGuard(allowPrivateNetworks: true).CreateHandler());
        foreach (string address in spellings)
        {
            Assert.StartsWith("reached", await allowed.GetStringAsync($"http://{Host(address)}:{listener.Port}/"), StringComparison.Ordinal);
        }

        Assert.True(listener.Connections >= spellings.Length, $"{listener.Connections} connections for {spellings.Length} spellings");
    }

    [Fact]
    public async Task Item7_NameResolvingToAMix_IsRefusedAsAWhole_NeverNarrowedToItsAllowedAddresses()
    {
        await using EveryAddressListener listener = await EveryAddressListener.StartAsync();
        IPAddress[] mix = [IPAddress.Parse("127.0.0.1"), IPAddress.Parse("192.0.2.2"), IPAddress.Parse("fd00::2"), IPAddress.Parse("fe80::fc:ff:fe00:1")];
        ValueTask<IPAddress[]> Resolve(string host, CancellationToken _) => ValueTask.FromResult(host switch
        {
            "mixed.test" => mix,
            "public-and-private.test" => [IPAddress.Parse("8.8.8.8"), IPAddress.Parse("10.0.0.1")],
            "loopback.test" => [IPAddress.Parse("127.0.0.1"), IPAddress.Parse("::ffff:127.0.0.1")],
            _ => throw new SocketException((int)SocketError.HostNotFound),
        });

        foreach (bool allowPrivate in new[] { false, true })
        {
            using var client = new HttpClient(new NetworkGuard(allowPrivate, proxy: null, Resolve).CreateHandler());

            // Without private networks the loopback, TEST-NET-1 and unique-local entries are refused; with them the
            // link-local entry still is. Either way the name is refused, so neither 127.0.0.1 nor 192.0.2.2 is tried.
            HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync($"http://mixed.test:{listener.Port}/"));
            FetchBlockedException blocked = Assert.IsType<FetchBlockedException>(error.InnerException);
            Assert.Contains("mixed.test", blocked.Message, StringComparison.Ordinal);
            Assert.Contains(allowPrivate ? "fe80::fc:ff:fe00:1, link-local" : "127.0.0.1, loopback", blocked.Message, StringComparison.Ordinal);
        }

        using (var strict = new HttpClient(new NetworkGuard(false, null, Resolve).CreateHandler()))
        {
            HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(() => strict.GetAsync($"http://public-and-private.test:{listener.Port}/"));
            Assert.Contains("10.0.0.1", Assert.IsType<FetchBlockedException>(error.InnerException).Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, listener.Connections);

        // The resolver path does connect when every address passes.
        using var allowed = new HttpClient(new NetworkGuard(true, null, Resolve).CreateHandler());
        Assert.Equal("reached loopback.test:" + listener.Port, await allowed.GetStringAsync($"http://loopback.test:{listener.Port}/"));
        Assert.Equal(1, listener.Connections);
    }

    [Fact]
    public async Task Item7_FetchAsync_NameResolvingToLoopback_IsRefusedOnTheResolvedAddress()
    {
        await using EveryAddressListener listener = await EveryAddressListener.StartAsync();
        using var client = new FetchClient(new FetchOptions { MaxRetries = 0 });

        FetchBlockedException error = await Assert.ThrowsAsync<FetchBlockedException>(() =>
            new ConnectorContext(client).FetchAsync($"http://localhost:{listener.Port}/"));

        Assert.Contains("Requests to localhost are not allowed: it resolves to", error.Message, StringComparison.Ordinal);
        Assert.Contains("only when private networks are allowed", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, listener.Connections);
    }

    private static string Host(string address) => address.Contains(':', StringComparison.Ordinal) ? $"[{address}]" : address;

    // Spellings of this machine the OS routes to a listener on every address: IPv4 loopback in several forms,
    // and the machine's own interface addresses that are not globally reachable (a test VM's 192.0.2.2, fd00::2).
    // A public interface address is rightly reachable without private networks, so it is left out.
    private static IEnumerable<string> ThisMachine()
    {
        yield return "127.0.0.1";
        yield return "127.1.2.3";
        yield return "0.0.0.0";
        yield return "::ffff:127.0.0.1";
        foreach (UnicastIPAddressInformation unicast in NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses))
        {
            IPAddress address = unicast.Address;
            if ((address.AddressFamily == AddressFamily.InterNetworkV6 && !Socket.OSSupportsIPv6)
                || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || (address.AddressFamily == AddressFamily.InterNetwork && address.GetAddressBytes()[0] == 127)
                || NetworkAddressPolicy.GetRefusal(address, allowPrivateNetworks: false) is null)
            {
                continue;
            }

            yield return address.ToString();
            if (address.AddressFamily == AddressFamily.InterNetwork) yield return "::ffff:" + address;
        }
    }
}
