using System.Net;
using System.Net.Sockets;
using Azure.Core;
using Azure.Core.Pipeline;

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

    /// <summary>The Azure Storage SDK's default retries (5, exponential from 0.8 s), except that a refusal is final.</summary>
    public static RetryPolicy CreateRetryPolicy() => new RefusalAwareRetryPolicy();

    /// <summary>The refusal behind an SDK exception, if the guard caused it.</summary>
    public static StorageNetworkRefusedException? FindRefusal(Exception? exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is StorageNetworkRefusedException refusal) return refusal;
        }

        return null;
    }

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
            throw new StorageNetworkRefusedException($"Refused to connect to {endpoint.Host}: it resolves only to link-local addresses, which connectors may not reach.");
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

/// <summary>The guard refused an address; not retried, and reported like FetchAsync's refusals.</summary>
internal sealed class StorageNetworkRefusedException(string message) : IOException(message);

internal sealed class RefusalAwareRetryPolicy() : RetryPolicy(5, DelayStrategy.CreateExponentialDelayStrategy(TimeSpan.FromSeconds(0.8), TimeSpan.FromMinutes(1)))
{
    protected override bool ShouldRetry(HttpMessage message, Exception? exception) =>
        StorageNetwork.FindRefusal(exception) is null && base.ShouldRetry(message, exception);

    protected override ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
        StorageNetwork.FindRefusal(exception) is null ? base.ShouldRetryAsync(message, exception) : ValueTask.FromResult(false);
}
