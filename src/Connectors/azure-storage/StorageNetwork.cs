using System.Net;
using System.Net.Sockets;

namespace Patchbay.Connectors.AzureStorage;

/// <summary>
/// The HTTP client behind every Azure SDK client this connector creates. The SDK does not go through
/// <c>FetchAsync</c>, so the platform's network guard does not see these requests; this client at
/// least refuses link-local addresses (169.254.0.0/16, fe80::/10), where cloud metadata services live,
/// because a connection string can name any endpoint.
/// </summary>
internal static class StorageNetwork
{
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        ConnectCallback = ConnectAsync,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AllowAutoRedirect = false,
    })
    {
        // The Azure SDK applies its own per-try network timeout.
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public static bool IsRefused(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            byte[] bytes = address.GetAddressBytes();
            return bytes[0] == 169 && bytes[1] == 254;
        }

        return address.IsIPv6LinkLocal;
    }

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        DnsEndPoint endpoint = context.DnsEndPoint;
        IPAddress[] resolved = IPAddress.TryParse(endpoint.Host, out IPAddress? literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);
        IPAddress[] allowed = Array.FindAll(resolved, static a => !IsRefused(a));
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"Refused to connect to {endpoint.Host}: it resolves only to link-local addresses, which connectors may not reach.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
