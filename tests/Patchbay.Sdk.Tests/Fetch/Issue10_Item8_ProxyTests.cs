using System.Net;
using System.Net.Sockets;
using Patchbay.Sdk.Fetch;
using Patchbay.Testing;

namespace Patchbay.Sdk.Tests.Fetch;

/// <summary>Tests that set the process-wide <see cref="HttpClient.DefaultProxy"/> run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SystemProxyCollection
{
    public const string Name = "System proxy";
}

/// <summary>
/// Issue 10, item 8: system proxies (HTTP_PROXY) are never used, so the guard checks the target and not a proxy;
/// an explicit proxy carries a request only after the target's own addresses passed the guard.
/// </summary>
[Collection(SystemProxyCollection.Name)]
public class Issue10_Item8_ProxyTests
{
    private static readonly IPAddress PublicAddress = IPAddress.Parse("93.184.215.14");

    [Fact]
    public async Task Item8_HttpProxyFromTheEnvironment_IsNotUsedByFetchClientOrTheGuardsHandlers()
    {
        await using EveryAddressListener proxy = await EveryAddressListener.StartAsync();
        using var _ = new SystemProxy(new Uri($"http://127.0.0.1:{proxy.Port}"));

        // Control: a client that honours system proxies reaches the loopback "proxy" for a host nobody can resolve.
        using (var honours = new HttpClient())
        {
            Assert.Equal("reached upstream.invalid", await honours.GetStringAsync("http://upstream.invalid/control"));
        }

        using var fetch = new FetchClient(new FetchOptions { AllowPrivateNetworks = true, MaxRetries = 0 });
        HttpRequestException fetchError = await Assert.ThrowsAsync<HttpRequestException>(() => new ConnectorContext(fetch).FetchAsync("http://upstream.invalid/fetch"));
        Assert.Contains("upstream.invalid", fetchError.Message, StringComparison.Ordinal);

        using var guarded = new HttpClient(new NetworkGuard(allowPrivateNetworks: true).CreateHandler());
        HttpRequestException guardError = await Assert.ThrowsAsync<HttpRequestException>(() => guarded.GetAsync("http://upstream.invalid/guard"));
        Assert.Contains("Could not resolve upstream.invalid", guardError.Message, StringComparison.Ordinal);

        Assert.Equal(new[] { "GET http://upstream.invalid/control" }, proxy.Requests);
    }

    [Fact]
    public async Task Item8_ExplicitProxy_CarriesARequestWhoseTargetPasses_WithPrivateNetworksOff()
    {
        await using EveryAddressListener proxy = await EveryAddressListener.StartAsync();
        var guard = new NetworkGuard(false, new Uri($"http://127.0.0.1:{proxy.Port}"), (host, _) => host == "api.partner.test"
            ? ValueTask.FromResult<IPAddress[]>([PublicAddress])
            : throw new SocketException((int)SocketError.HostNotFound));
        using var client = new HttpClient(guard.CreateHandler());

        // The proxy is the operator's own setting, so it may sit on loopback; the target is checked as Patchbay resolves it.
        Assert.Equal("reached api.partner.test", await client.GetStringAsync("http://api.partner.test/v1/items"));

        Assert.Equal(new[] { "GET http://api.partner.test/v1/items" }, proxy.Requests);
    }

    [Theory]
    [InlineData("http://127.0.0.1:1/x", "loopback")]
    [InlineData("http://localhost:1/x", "loopback")]
    [InlineData("http://[::ffff:127.0.0.1]:1/x", "loopback")]
    [InlineData("http://[64:ff9b::7f00:1]/x", "loopback")]
    [InlineData("http://192.0.2.2/x", "TEST-NET-1")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("http://mixed.partner.test/x", "10.0.0.1, private-use")]
    public async Task Item8_ExplicitProxy_NeverSeesARequestWhoseTargetIsRefused(string url, string reason)
    {
        await using EveryAddressListener proxy = await EveryAddressListener.StartAsync();
        var guard = new NetworkGuard(false, new Uri($"http://127.0.0.1:{proxy.Port}"), (host, ct) => host == "mixed.partner.test"
            ? ValueTask.FromResult<IPAddress[]>([PublicAddress, IPAddress.Parse("10.0.0.1")])
            : new ValueTask<IPAddress[]>(Dns.GetHostAddressesAsync(host, ct)));
        using var client = new HttpClient(guard.CreateHandler());

        HttpRequestException error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(url));

        Assert.Contains(reason, Assert.IsType<FetchBlockedException>(error.InnerException).Message, StringComparison.Ordinal);
        Assert.Equal(0, proxy.Connections);
    }

    [Fact]
    public async Task Item8_FetchOptionsProxy_SendsFetchAsyncThroughTheProxy()
    {
        await using EveryAddressListener proxy = await EveryAddressListener.StartAsync();
        using var client = new FetchClient(new FetchOptions { AllowPrivateNetworks = true, MaxRetries = 0, Proxy = new Uri($"http://127.0.0.1:{proxy.Port}") });

        FetchResponse response = await new ConnectorContext(client).FetchAsync("http://127.0.0.1:9/items");

        Assert.Equal("reached 127.0.0.1:9", response.Data.GetString());
        Assert.Equal(new[] { "GET http://127.0.0.1:9/items" }, proxy.Requests);
        Assert.Equal(client.Options.Proxy, client.Network.Proxy);
    }

    [Fact]
    public async Task Item8_FetchOptionsProxy_StillRefusesTheTargetFirst()
    {
        await using EveryAddressListener proxy = await EveryAddressListener.StartAsync();
        using var client = new FetchClient(new FetchOptions { MaxRetries = 0, Proxy = new Uri($"http://127.0.0.1:{proxy.Port}") });

        await Assert.ThrowsAsync<FetchBlockedException>(() => new ConnectorContext(client).FetchAsync("http://127.0.0.1:9/items"));
        await Assert.ThrowsAsync<FetchBlockedException>(() => new ConnectorContext(client).FetchAsync("http://localhost:9/items"));

        Assert.Equal(0, proxy.Connections);
    }

    [Theory]
    [InlineData("ftp://proxy.internal:21", "absolute http, https or socks5 URL")]
    [InlineData("http://user:secret@proxy.internal:3128", "must not carry credentials")]
    [InlineData("http://proxy.internal:3128/path", "only scheme, host and port")]
    public void Item8_ProxyThatCannotBeUsed_IsAnInvalidOption(string proxy, string problem)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new FetchClient(new FetchOptions { Proxy = new Uri(proxy) }));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, Assert.Throws<ArgumentException>(() => new NetworkGuard(proxy: new Uri(proxy))).Message, StringComparison.Ordinal);
    }

    /// <summary>Sets <see cref="HttpClient.DefaultProxy"/> as HTTP_PROXY would at process start, and restores it.</summary>
    private sealed class SystemProxy : IDisposable
    {
        private readonly IWebProxy _previous = HttpClient.DefaultProxy;

        public SystemProxy(Uri proxy) => HttpClient.DefaultProxy = new WebProxy(proxy);

        public void Dispose() => HttpClient.DefaultProxy = _previous;
    }
}
