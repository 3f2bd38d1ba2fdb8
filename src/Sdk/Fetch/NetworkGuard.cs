using System.Net;
using System.Net.Sockets;

namespace Patchbay.Sdk.Fetch;

/// <summary>
/// Decides which IP addresses a connector may reach, and connects only to those. Runs inside
/// <see cref="SocketsHttpHandler.ConnectCallback"/> on the resolved address of every connection, so a host
/// name that resolves to a private address, or a redirect to one, is refused as well as an IP literal.
/// </summary>
internal static class NetworkGuard
{
    /// <summary>Why <paramref name="address"/> is refused, or <see langword="null"/> when it may be reached.</summary>
    public static string? GetRefusal(IPAddress address, bool allowPrivateNetworks)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            byte[] b = address.GetAddressBytes();

            // Link-local holds the cloud metadata endpoints (169.254.169.254): never, whatever the options say.
            if (b[0] == 169 && b[1] == 254) return "link-local";
            if (allowPrivateNetworks) return null;
            if (b[0] == 127) return "loopback";
            if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168)) return "private";
            if (b[0] == 100 && (b[1] & 0xC0) == 64) return "shared (CGNAT)";
            if (b[0] == 0) return "unspecified";
            return null;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv6LinkLocal) return "link-local";
            if (allowPrivateNetworks) return null;
            if (address.Equals(IPAddress.IPv6Loopback)) return "loopback";
            if (address.Equals(IPAddress.IPv6Any)) return "unspecified";
            byte first = address.GetAddressBytes()[0];
            if ((first & 0xFE) == 0xFC || address.IsIPv6SiteLocal) return "private";
            return null;
        }

        return "unsupported";
    }

    /// <summary>Refuses an IP-literal host up front, before a request is built.</summary>
    /// <exception cref="FetchBlockedException">The host is an IP literal the guard refuses.</exception>
    public static void ThrowIfRefusedLiteral(Uri uri, bool allowPrivateNetworks)
    {
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            && IPAddress.TryParse(uri.DnsSafeHost, out IPAddress? address)
            && GetRefusal(address, allowPrivateNetworks) is { } refusal)
        {
            throw new FetchBlockedException($"Requests to {refusal} addresses are not allowed ({uri.Host}).");
        }
    }

    /// <summary>The connect step of the handler: resolve, drop refused addresses, connect to the first that answers.</summary>
    /// <exception cref="FetchBlockedException">Every address the host resolves to is refused.</exception>
    /// <exception cref="FetchConnectException">No connection could be made; the request was never sent.</exception>
    public static async ValueTask<Stream> ConnectAsync(
        SocketsHttpConnectionContext context, bool allowPrivateNetworks, CancellationToken cancellationToken)
    {
        string host = context.DnsEndPoint.Host;
        int port = context.DnsEndPoint.Port;
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out IPAddress? literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new FetchConnectException($"Could not resolve {host}.", ex);
        }

        string? refusal = null;
        Exception? lastError = null;
        foreach (IPAddress address in addresses)
        {
            if (GetRefusal(address, allowPrivateNetworks) is { } reason)
            {
                refusal = reason;
                continue;
            }

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

        if (lastError is null && refusal is not null)
        {
            throw new FetchBlockedException($"Requests to {refusal} addresses are not allowed ({host} resolves to one).");
        }

        throw new FetchConnectException($"Could not connect to {host}:{port}.", lastError);
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
