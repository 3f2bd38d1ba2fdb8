using Patchbay.Platform.Catalog;
using Patchbay.Sdk;
using Patchbay.Testing;

namespace Patchbay.Platform.Tests;

public class ConnectorCatalogTests
{
    [Fact]
    public void Issue11Item12_Discover_LoadsEveryConnectorFolder()
    {
        // The platform references src/Connectors/*/*.csproj, so every such folder ships; `patchbay new` adds one.
        string connectors = Path.Combine(AzuriteFixture.FindRepoRoot(), "src", "Connectors");
        string[] folders = [.. Directory.GetDirectories(connectors)
            .Where(dir => Directory.EnumerateFiles(dir, "*.csproj").Any())
            .Select(dir => ConnectorManifest.Load(Path.Combine(dir, "config.json")).Id)
            .Order(StringComparer.Ordinal)];

        string[] ids = [.. ConnectorCatalog.Discover(AppContext.BaseDirectory).Select(c => c.Id).Order(StringComparer.Ordinal)];

        Assert.NotEmpty(folders);
        Assert.Equal(folders, ids);
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
