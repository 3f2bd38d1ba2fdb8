using Microsoft.Extensions.Logging;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Sdk.Tests.Fetch;

internal static class FetchTestClients
{
    /// <summary>A client for loopback servers: private networks allowed, backoff of a few milliseconds.</summary>
    public static FetchClient Create(ILogger? logger = null, int maxRetries = 3, TimeSpan? timeout = null, TimeSpan? baseDelay = null, bool allowPrivate = true)
        => new(new FetchOptions
        {
            AllowPrivateNetworks = allowPrivate,
            MaxRetries = maxRetries,
            BaseDelay = baseDelay ?? TimeSpan.FromMilliseconds(5),
            Timeout = timeout ?? TimeSpan.FromSeconds(10),
        }, logger: logger);

    public static ConnectorContext Context(FetchClient client, ConnectorContextOptions? options = null) => new(client, options);
}
