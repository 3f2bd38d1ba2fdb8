using System.Net;
using System.Net.Sockets;

namespace Patchbay.Sdk.Fetch;

/// <summary>
/// The one rule for which IP addresses Patchbay's outbound requests may reach: connector requests
/// (<see cref="FetchClient"/>), webhook deliveries and connectors with their own transport (through
/// <see cref="NetworkGuard"/>) all ask it.
/// </summary>
/// <remarks>
/// <para>
/// The source is the IANA IPv4 and IPv6 Special-Purpose Address Registries: every block the registries
/// mark as not globally reachable is refused, plus multicast, the deprecated site-local and 6to4 relay
/// ranges, and every IPv6 address outside global unicast (2000::/3). The registries' globally reachable
/// exceptions inside refused blocks pass (192.0.0.9, 192.0.0.10, 2001:1::1, 2001:1::2, 2001:1::3, 2001:3::/32,
/// 2001:4:112::/48, 2001:20::/28, 2001:30::/28).
/// </para>
/// <para>
/// Addresses that embed an IPv4 address are judged by that IPv4 address: IPv4-mapped (::ffff:0:0/96),
/// IPv4-compatible (::/96), NAT64 (64:ff9b::/96) and 6to4 (2002::/16). So <c>[::ffff:127.0.0.1]</c>,
/// <c>[64:ff9b::7f00:1]</c> and <c>[2002:7f00:1::]</c> are loopback. An IPv4-compatible address is refused
/// even with a public IPv4 address (the form is deprecated and not routed), unless private networks are allowed.
/// </para>
/// <para>
/// With <c>allowPrivateNetworks</c> (local development, tests) everything passes except what is never
/// reachable: link-local (169.254.0.0/16, fe80::/10, which holds the cloud metadata endpoint 169.254.169.254)
/// and the metadata addresses outside it: Azure's WireServer 168.63.129.16 (it hands out VM agent
/// configuration; Patchbay never needs it, DNS is not resolved through HTTP), Alibaba Cloud's
/// 100.100.100.200 and AWS's IPv6 endpoint fd00:ec2::254. Those are refused in every embedded form too,
/// including the embeddings of 64:ff9b:1::/48 (any RFC 6052 prefix length inside it), Teredo and
/// IPv4-translated (::ffff:0:0:0/96) addresses.
/// </para>
/// </remarks>
public static class NetworkAddressPolicy
{
    private static readonly Block[] NeverV4 =
    [
        new("169.254.0.0/16", "link-local"),
        new("168.63.129.16/32", "Azure WireServer"),
        new("100.100.100.200/32", "Alibaba Cloud metadata"),
    ];

    private static readonly IPNetwork[] GlobalV4 =
    [
        IPNetwork.Parse("192.0.0.9/32"),
        IPNetwork.Parse("192.0.0.10/32"),
    ];

    private static readonly Block[] PrivateV4 =
    [
        new("0.0.0.0/8", "\"this network\""),
        new("10.0.0.0/8", "private-use"),
        new("100.64.0.0/10", "shared address space (CGNAT)"),
        new("127.0.0.0/8", "loopback"),
        new("172.16.0.0/12", "private-use"),
        new("192.0.0.0/24", "IETF protocol assignments"),
        new("192.0.2.0/24", "documentation (TEST-NET-1)"),
        new("192.88.99.0/24", "deprecated 6to4 relay anycast"),
        new("192.168.0.0/16", "private-use"),
        new("198.18.0.0/15", "benchmarking"),
        new("198.51.100.0/24", "documentation (TEST-NET-2)"),
        new("203.0.113.0/24", "documentation (TEST-NET-3)"),
        new("224.0.0.0/4", "multicast"),
        new("255.255.255.255/32", "limited broadcast"),
        new("240.0.0.0/4", "reserved"),
    ];

    private static readonly Block[] NeverV6 =
    [
        new("fe80::/10", "link-local"),
        new("fd00:ec2::254/128", "AWS metadata"),
    ];

    private static readonly IPNetwork[] GlobalV6 =
    [
        IPNetwork.Parse("2001:1::1/128"),
        IPNetwork.Parse("2001:1::2/128"),
        IPNetwork.Parse("2001:1::3/128"),
        IPNetwork.Parse("2001:3::/32"),
        IPNetwork.Parse("2001:4:112::/48"),
        IPNetwork.Parse("2001:20::/28"),
        IPNetwork.Parse("2001:30::/28"),
    ];

    private static readonly Block[] PrivateV6 =
    [
        new("::/128", "unspecified"),
        new("::1/128", "loopback"),
        new("64:ff9b:1::/48", "local-use IPv4/IPv6 translation"),
        new("100::/64", "discard-only"),
        new("100:0:0:1::/64", "dummy prefix"),
        new("2001::/32", "Teredo"),
        new("2001:2::/48", "benchmarking"),
        new("2001:10::/28", "deprecated ORCHID"),
        new("2001::/23", "IETF protocol assignments"),
        new("2001:db8::/32", "documentation"),
        new("3fff::/20", "documentation"),
        new("5f00::/16", "segment routing (SRv6) SIDs"),
        new("fc00::/7", "unique-local"),
        new("fec0::/10", "deprecated site-local"),
        new("ff00::/8", "multicast"),
    ];

    private static readonly IPNetwork GlobalUnicast = IPNetwork.Parse("2000::/3");
    private static readonly IPNetwork Compatible = IPNetwork.Parse("::/96");
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork Nat64LocalUse = IPNetwork.Parse("64:ff9b:1::/48");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");
    private static readonly IPNetwork Teredo = IPNetwork.Parse("2001::/32");
    private static readonly IPNetwork Translated = IPNetwork.Parse("::ffff:0:0:0/96");

    /// <summary>
    /// Why <paramref name="address"/> may not be reached, e.g. <c>loopback (127.0.0.0/8)</c>, or
    /// <see langword="null"/> when it may.
    /// </summary>
    /// <param name="address">An IPv4 or IPv6 address, as resolved or as written in a URL.</param>
    /// <param name="allowPrivateNetworks">Whether loopback, private and other non-global addresses may be reached
    /// (local development, tests). Link-local and metadata addresses are refused either way.</param>
    public static string? GetRefusal(IPAddress address, bool allowPrivateNetworks)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => GetRefusalV4(address, allowPrivateNetworks),
            AddressFamily.InterNetworkV6 => GetRefusalV6(address, allowPrivateNetworks),
            _ => $"not an IP address ({address.AddressFamily})",
        };
    }

    /// <summary>Whether <paramref name="address"/> is refused even when private networks are allowed (link-local, metadata).</summary>
    public static bool IsNeverAllowed(IPAddress address) => GetRefusal(address, allowPrivateNetworks: true) is not null;

    private static string? GetRefusalV4(IPAddress address, bool allowPrivateNetworks)
    {
        if (Find(NeverV4, address) is { } never) return never;
        if (allowPrivateNetworks || Array.Exists(GlobalV4, n => n.Contains(address))) return null;
        return Find(PrivateV4, address);
    }

    private static string? GetRefusalV6(IPAddress address, bool allowPrivateNetworks)
    {
        if (address.ScopeId != 0)
        {
            address = new IPAddress(address.GetAddressBytes());
        }

        byte[] bytes = address.GetAddressBytes();
        if (address.IsIPv4MappedToIPv6)
        {
            return Embedded(address.MapToIPv4(), "IPv4-mapped (::ffff:0:0/96)", allowPrivateNetworks);
        }

        if (Compatible.Contains(address) && !address.Equals(IPAddress.IPv6Any) && !address.Equals(IPAddress.IPv6Loopback))
        {
            return Embedded(V4(bytes, 12), "IPv4-compatible (::/96)", allowPrivateNetworks)
                ?? (allowPrivateNetworks ? null : "IPv4-compatible (::/96, deprecated and not routed)");
        }

        if (Nat64.Contains(address))
        {
            return Embedded(V4(bytes, 12), "NAT64 (64:ff9b::/96)", allowPrivateNetworks);
        }

        if (SixToFour.Contains(address))
        {
            return Embedded(V4(bytes, 2), "6to4 (2002::/16)", allowPrivateNetworks);
        }

        if (Find(NeverV6, address) is { } never) return never;
        if (NeverEmbedded(address, bytes) is { } embeddedNever) return embeddedNever;
        if (allowPrivateNetworks || Array.Exists(GlobalV6, n => n.Contains(address))) return null;
        if (Find(PrivateV6, address) is { } refused) return refused;
        return GlobalUnicast.Contains(address) ? null : "reserved, outside global unicast (2000::/3)";
    }

    // The IPv4 address inside an embedding decides; the reason names both.
    private static string? Embedded(IPAddress v4, string form, bool allowPrivateNetworks) =>
        GetRefusalV4(v4, allowPrivateNetworks) is { } reason ? $"{reason} as {form} {v4}" : null;

    // Embeddings whose IPv4 position is not fixed or that are rarely routed: refused when any candidate
    // IPv4 address is link-local or metadata, whatever the setting.
    private static string? NeverEmbedded(IPAddress address, byte[] bytes)
    {
        IEnumerable<(IPAddress V4, string Form)> candidates = [];
        if (Nat64LocalUse.Contains(address))
        {
            // RFC 6052 layouts for the prefix lengths that fit inside a /48: the u octet (byte 8) is skipped.
            candidates =
            [
                (V4(bytes, 6, 7, 9, 10), "local-use NAT64 /48 (64:ff9b:1::/48)"),
                (V4(bytes, 7, 9, 10, 11), "local-use NAT64 /56 (64:ff9b:1::/48)"),
                (V4(bytes, 9, 10, 11, 12), "local-use NAT64 /64 (64:ff9b:1::/48)"),
                (V4(bytes, 12), "local-use NAT64 /96 (64:ff9b:1::/48)"),
            ];
        }
        else if (Teredo.Contains(address))
        {
            byte[] client = [(byte)~bytes[12], (byte)~bytes[13], (byte)~bytes[14], (byte)~bytes[15]];
            candidates = [(V4(bytes, 4), "Teredo server (2001::/32)"), (new IPAddress(client), "Teredo client (2001::/32)")];
        }
        else if (Translated.Contains(address))
        {
            candidates = [(V4(bytes, 12), "IPv4-translated (::ffff:0:0:0/96)")];
        }

        foreach ((IPAddress v4, string form) in candidates)
        {
            if (Find(NeverV4, v4) is { } reason) return $"{reason} as {form} {v4}";
        }

        return null;
    }

    private static IPAddress V4(byte[] bytes, int start) => new(bytes.AsSpan(start, 4));

    private static IPAddress V4(byte[] bytes, int a, int b, int c, int d) => new(new[] { bytes[a], bytes[b], bytes[c], bytes[d] });

    private static string? Find(Block[] blocks, IPAddress address)
    {
        foreach (Block block in blocks)
        {
            if (block.Network.Contains(address)) return block.Reason;
        }

        return null;
    }

    private sealed class Block(string network, string name)
    {
        public IPNetwork Network { get; } = IPNetwork.Parse(network);

        public string Reason { get; } = $"{name} ({network})";
    }
}
