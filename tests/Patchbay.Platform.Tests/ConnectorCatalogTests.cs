using Patchbay.Platform.Catalog;
using Patchbay.Sdk;

namespace Patchbay.Platform.Tests;

public class ConnectorCatalogTests
{
    [Fact]
    public void Discover_LoadsEveryShippedConnector()
    {
        string[] ids = [.. ConnectorCatalog.Discover(AppContext.BaseDirectory).Select(c => c.Id).Order(StringComparer.Ordinal)];

        Assert.Equal(["azure-storage", "github", "http", "rss", "slack"], ids);
    }

    [Fact]
    public void TwoConnectorsWithOneId_StopStartUpNamingBoth()
    {
        Connector first = Connector.FromAssembly(typeof(ConnectorCatalogTests).Assembly);
        Connector second = Connector.FromAssembly(typeof(ConnectorCatalogTests).Assembly);

        ConfigurationError error = Assert.Throws<ConfigurationError>(() => new ConnectorCatalog([first, second]));

        Assert.Contains("connector id 'upstream-test' is already used", error.Message, StringComparison.Ordinal);
    }
}
