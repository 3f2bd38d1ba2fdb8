using Patchbay.Sdk;

namespace Patchbay.Platform.Catalog;

/// <summary>
/// The connectors next to the app, loaded on the thread pool from the moment the platform is registered, so that
/// parsing every manifest and compiling its schemas runs while the host builds itself instead of after it (issue 15,
/// start-up). Nothing is skipped: <see cref="Connectors"/> waits for the load and throws what it threw, and
/// <c>ValidatePatchbayPlatform</c> reads it at start-up, so a broken connector still stops start-up before the host
/// answers a request.
/// </summary>
public sealed class ConnectorDiscovery
{
    private readonly Task<Connector[]> _loading;

    private ConnectorDiscovery(Task<Connector[]> loading) => _loading = loading;

    /// <summary>Starts loading every connector in <paramref name="directory"/> (see <see cref="ConnectorCatalog.Discover"/>) on the thread pool.</summary>
    public static ConnectorDiscovery Start(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return new ConnectorDiscovery(Task.Run(() => ConnectorCatalog.Discover(directory).ToArray()));
    }

    // Blocks only until the load started at registration is done, and throws its own exception (GetResult, not Result,
    // so not wrapped in an AggregateException); start-up reads this once.
    /// <summary>The loaded connectors, once the load has finished.</summary>
    /// <exception cref="ConfigurationError">A connector is broken (its manifest, its handlers, or its file).</exception>
    public IReadOnlyList<Connector> Connectors => _loading.GetAwaiter().GetResult();
}
