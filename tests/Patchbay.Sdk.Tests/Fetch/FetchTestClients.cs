using Microsoft.Extensions.Logging;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Sdk.Tests.Fetch;

internal static class FetchTestClients
{
    /// <summary>A client for loopback servers: private networks allowed, backoff of a few milliseconds.</summary>
    /// <remarks>
    /// Tests that depend on a timeout or a delay pass a <see cref="TestClock"/> and move it on when the client
    /// waits; the 10-second default only bounds requests that are expected to be answered.
    /// </remarks>
    public static FetchClient Create(ILogger? logger = null, int maxRetries = 3, TimeSpan? timeout = null, TimeSpan? baseDelay = null, bool allowPrivate = true, TimeProvider? timeProvider = null)
        => new(new FetchOptions
        {
            AllowPrivateNetworks = allowPrivate,
            MaxRetries = maxRetries,
            BaseDelay = baseDelay ?? TimeSpan.FromMilliseconds(5),
            Timeout = timeout ?? TimeSpan.FromSeconds(10),
        }, timeProvider, logger);

    public static ConnectorContext Context(FetchClient client, ConnectorContextOptions? options = null) => new(client, options);
}
