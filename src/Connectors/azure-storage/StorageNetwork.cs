using System.Runtime.CompilerServices;
using Azure.Core;
using Azure.Core.Pipeline;
using Patchbay.Sdk;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Connectors.AzureStorage;

/// <summary>
/// The HTTP transport behind every Azure SDK client this connector creates. The Azure SDK does not go
/// through <c>FetchAsync</c>, so the transport is built from the platform's network guard
/// (<see cref="ConnectorContext.Network"/>): a connection string can name any endpoint, and it reaches
/// exactly what <c>FetchAsync</c> may reach (no loopback or private addresses unless the platform allows
/// private networks, never link-local or metadata addresses, no system proxy).
/// </summary>
internal static class StorageNetwork
{
    // One transport (one connection pool) per guard; the platform has one guard per process.
    private static readonly ConditionalWeakTable<NetworkGuard, HttpClientTransport> s_transports = new();

    public static HttpClientTransport GetTransport(NetworkGuard network) =>
        s_transports.GetValue(network, static guard => new HttpClientTransport(
            new HttpClient(guard.CreateHandler(static handler => handler.PooledConnectionLifetime = TimeSpan.FromMinutes(5)))
            {
                // The Azure SDK applies its own per-try network timeout.
                Timeout = Timeout.InfiniteTimeSpan,
            }));

    /// <summary>The Azure Storage SDK's default retries (5, exponential from 0.8 s), except that a refusal is final.</summary>
    public static RetryPolicy CreateRetryPolicy() => new RefusalAwareRetryPolicy();

    /// <summary>The guard's refusal behind an SDK exception, if the guard caused it.</summary>
    public static FetchBlockedException? FindRefusal(Exception? exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is FetchBlockedException refusal) return refusal;
        }

        return null;
    }
}

internal sealed class RefusalAwareRetryPolicy() : RetryPolicy(5, DelayStrategy.CreateExponentialDelayStrategy(TimeSpan.FromSeconds(0.8), TimeSpan.FromMinutes(1)))
{
    protected override bool ShouldRetry(HttpMessage message, Exception? exception) =>
        StorageNetwork.FindRefusal(exception) is null && base.ShouldRetry(message, exception);

    protected override ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
        StorageNetwork.FindRefusal(exception) is null ? base.ShouldRetryAsync(message, exception) : ValueTask.FromResult(false);
}
