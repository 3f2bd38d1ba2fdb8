using System.Net;
using System.Net.Sockets;

namespace Patchbay.Sdk.Fetch;

/// <summary>
/// Applies <see cref="NetworkAddressPolicy"/> to outbound HTTP: the connect step of a
/// <see cref="SocketsHttpHandler"/> resolves the host, refuses the whole host name when any address it
/// resolves to is refused, and connects only to the addresses it checked. <see cref="FetchClient"/>, the
/// platform's webhook sender and connectors with their own transport (<see cref="ConnectorContext.Network"/>)
/// all build their handlers with <see cref="CreateHandler"/>.
/// </summary>
/// <remarks>
/// <para>
/// A host name resolving to a mix of allowed and refused addresses is refused as a whole, not narrowed to
/// its allowed addresses: such an answer is a misconfiguration or an attack (DNS rebinding, a record set
/// that puts an internal address beside a public one), and with a proxy Patchbay cannot choose which
/// address the proxy connects to, so refusing the name keeps the direct and the proxied path alike.
/// </para>
/// <para>
/// System proxies (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY) are never used: a proxy would make the connect
/// step see the proxy's address instead of the target's. Only an explicit <see cref="Proxy"/> is used, for
/// every request; the guard then resolves each request's host itself and checks its addresses before
/// sending, and the connect step reaches only the proxy. The proxy resolves the name again on its own,
/// so a name whose answer changes in between (DNS rebinding) or that the proxy's resolver answers
/// differently (split-horizon DNS) reaches whatever the proxy can reach: configure the proxy to refuse
/// private destinations too.
/// </para>
/// <para>Handlers from <see cref="CreateHandler"/> never follow redirects: callers follow them, so every hop is checked again.</para>
/// </remarks>
public sealed class NetworkGuard
{
    private readonly Func<string, CancellationToken, ValueTask<IPAddress[]>> _resolve;

    /// <summary>Creates a guard.</summary>
    /// <param name="allowPrivateNetworks">Whether loopback, private and other non-global addresses may be reached (local development, tests).</param>
    /// <param name="proxy">An outbound proxy every request goes through (<c>http://host:port</c>); <see langword="null"/> for direct connections.</param>
    /// <exception cref="ArgumentException"><paramref name="proxy"/> is not a usable proxy URL; the message says why.</exception>
    public NetworkGuard(bool allowPrivateNetworks = false, Uri? proxy = null)
        : this(allowPrivateNetworks, proxy, resolve: null)
    {
    }

    /// <summary>For tests: a resolver that stands in for DNS.</summary>
    internal NetworkGuard(bool allowPrivateNetworks, Uri? proxy, Func<string, CancellationToken, ValueTask<IPAddress[]>>? resolve)
    {
        if (GetProxyError(proxy) is { } error)
        {
            throw new ArgumentException(error, nameof(proxy));
        }

        AllowPrivateNetworks = allowPrivateNetworks;
        Proxy = proxy;
        _resolve = resolve ?? (static async (host, ct) => await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false));
    }

    /// <summary>No private networks, no proxy: what production runs with unless configured otherwise.</summary>
    public static NetworkGuard Default { get; } = new();

    /// <summary>Whether loopback, private and other non-global addresses may be reached. Link-local and metadata addresses never.</summary>
    public bool AllowPrivateNetworks { get; }

    /// <summary>The outbound proxy every request goes through, or <see langword="null"/> for direct connections.</summary>
    public Uri? Proxy { get; }

    /// <summary>Why <paramref name="address"/> is refused under this guard's setting, or <see langword="null"/>.</summary>
    public string? GetRefusal(IPAddress address) => NetworkAddressPolicy.GetRefusal(address, AllowPrivateNetworks);

    /// <summary>
    /// Why <paramref name="proxy"/> cannot be used as an outbound proxy, or <see langword="null"/> when it can
    /// (or is <see langword="null"/>): an absolute <c>http</c>, <c>https</c> or <c>socks5</c> URL with a host,
    /// without credentials, path, query or fragment.
    /// </summary>
    public static string? GetProxyError(Uri? proxy)
    {
        if (proxy is null) return null;
        if (!proxy.IsAbsoluteUri || proxy.Scheme is not ("http" or "https" or "socks5") || string.IsNullOrEmpty(proxy.Host))
        {
            return $"The proxy must be an absolute http, https or socks5 URL such as http://proxy.internal:3128 (was '{proxy.OriginalString}').";
        }

        if (!string.IsNullOrEmpty(proxy.UserInfo))
        {
            return "The proxy URL must not carry credentials: proxies that need authentication are not supported.";
        }

        return proxy.AbsolutePath != "/" || proxy.Query.Length > 0 || proxy.Fragment.Length > 0
            ? $"The proxy URL must be only scheme, host and port, such as http://proxy.internal:3128 (was '{proxy.OriginalString}')."
            : null;
    }

    /// <summary>Refuses an IP-literal host before a request is built; host names are checked when they are resolved.</summary>
    /// <exception cref="FetchBlockedException">The host is an IP address the guard refuses.</exception>
    public void ThrowIfRefused(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.IsAbsoluteUri
            && uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            && IPAddress.TryParse(uri.DnsSafeHost, out IPAddress? address)
            && GetRefusal(address) is { } refusal)
        {
            throw Blocked(uri.Host, address, refusal, literal: true);
        }
    }

    /// <summary>
    /// A primary handler for outbound requests: the guard's connect step, no system proxy (or
    /// <see cref="Proxy"/> for every request, with each request's host checked first), no redirects.
    /// </summary>
    /// <param name="configure">Sets the rest (cookies, decompression, pooling); runs before the guard's settings, which win.</param>
    /// <returns>A <see cref="SocketsHttpHandler"/>, or with a proxy a handler that checks the target and then sends through one.</returns>
    public HttpMessageHandler CreateHandler(Action<SocketsHttpHandler>? configure = null)
    {
        var handler = new SocketsHttpHandler();
        configure?.Invoke(handler);
        handler.AllowAutoRedirect = false;
        handler.ConnectCallback = ConnectAsync;
        if (Proxy is null)
        {
            handler.UseProxy = false;
            handler.Proxy = null;
            return handler;
        }

        handler.UseProxy = true;
        handler.Proxy = new FixedProxy(Proxy);
        return new ProxiedTargetGuard(this) { InnerHandler = handler };
    }

    /// <summary>
    /// The connect step (<see cref="SocketsHttpHandler.ConnectCallback"/>): resolve, refuse the host if any
    /// address is refused, connect to the first address that answers. With a proxy, connects to the proxy.
    /// </summary>
    /// <exception cref="FetchBlockedException">The host is, or resolves to, an address the guard refuses.</exception>
    /// <exception cref="IOException">The host could not be resolved or no connection could be made; the request was never sent.</exception>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        string host = context.DnsEndPoint.Host;
        int port = context.DnsEndPoint.Port;
        IPAddress[] addresses = IsProxy(host, port)
            ? await ResolveAsync(host, cancellationToken).ConfigureAwait(false)
            : await ResolveCheckedAsync(host, cancellationToken).ConfigureAwait(false);

        Exception? lastError = null;
        foreach (IPAddress address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                lastError = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new FetchConnectException($"Could not connect to {host}:{port}.", lastError);
    }

    /// <summary>
    /// The addresses <paramref name="host"/> (a name or an IP literal) resolves to, IPv4-mapped ones as IPv4,
    /// after checking every one of them.
    /// </summary>
    /// <exception cref="FetchBlockedException">An address is refused; the whole host is.</exception>
    /// <exception cref="IOException">The host could not be resolved.</exception>
    internal async ValueTask<IPAddress[]> ResolveCheckedAsync(string host, CancellationToken cancellationToken)
    {
        IPAddress[] addresses = await ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        bool literal = IPAddress.TryParse(host.Trim('[', ']'), out _);
        foreach (IPAddress address in addresses)
        {
            if (GetRefusal(address) is { } refusal)
            {
                throw Blocked(host, address, refusal, literal);
            }
        }

        return addresses;
    }

    private async ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await _resolve(host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new FetchConnectException($"Could not resolve {host}: {ex.Message}", ex);
            }
        }

        if (addresses.Length == 0)
        {
            throw new FetchConnectException($"Could not resolve {host}: no addresses.", null);
        }

        return Array.ConvertAll(addresses, static a => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a);
    }

    private bool IsProxy(string host, int port) =>
        Proxy is not null
        && port == Proxy.Port
        && string.Equals(host.Trim('[', ']'), Proxy.IdnHost.Trim('[', ']'), StringComparison.OrdinalIgnoreCase);

    private static FetchBlockedException Blocked(string host, IPAddress address, string refusal, bool literal)
    {
        string which = literal ? $"{address} is {refusal}" : $"it resolves to {address}, {refusal}";
        string next = NetworkAddressPolicy.IsNeverAllowed(address)
            ? "which is never reachable"
            : "which is reachable only when private networks are allowed (local development)";
        return new FetchBlockedException($"Requests to {host} are not allowed: {which}, {next}.");
    }

    /// <summary>The one proxy for every destination: no bypass list, loopback included.</summary>
    private sealed class FixedProxy(Uri proxy) : IWebProxy
    {
        public ICredentials? Credentials { get; set; }

        public Uri GetProxy(Uri destination) => proxy;

        public bool IsBypassed(Uri host) => false;
    }

    /// <summary>With a proxy the connect step sees only the proxy, so each request's host is checked here first.</summary>
    private sealed class ProxiedTargetGuard(NetworkGuard guard) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await CheckAsync(request, cancellationToken).ConfigureAwait(false);
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            CheckAsync(request, cancellationToken).AsTask().GetAwaiter().GetResult();
            return base.Send(request, cancellationToken);
        }

        // Thrown as the handler's own connect failures are, so callers see one shape either way.
        private async ValueTask CheckAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Uri uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
            try
            {
                await guard.ResolveCheckedAsync(uri.DnsSafeHost, cancellationToken).ConfigureAwait(false);
            }
            catch (FetchBlockedException ex)
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError, ex.Message, ex);
            }
            catch (FetchConnectException ex)
            {
                throw new HttpRequestException(HttpRequestError.NameResolutionError, ex.Message, ex);
            }
        }
    }
}

/// <summary>
/// The connection could not be established, so the server cannot have seen the request: the one network
/// failure after which a POST or PATCH is retried. Thrown only from the connect step.
/// </summary>
internal sealed class FetchConnectException : IOException
{
    public FetchConnectException(string message, Exception? innerException) : base(message, innerException) { }
}
