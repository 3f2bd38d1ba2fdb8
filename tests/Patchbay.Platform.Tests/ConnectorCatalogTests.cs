using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
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

public class ConnectorDiscoveryTests
{
    [Fact]
    public void LoadedOnThePool_GivesTheSameConnectorsAsDiscover()
    {
        ConnectorDiscovery discovery = ConnectorDiscovery.Start(AppContext.BaseDirectory);

        string[] expected = [.. ConnectorCatalog.Discover(AppContext.BaseDirectory).Select(c => c.Id)];
        Assert.NotEmpty(expected);
        Assert.Equal(expected, discovery.Connectors.Select(c => c.Id));
    }

    [Fact]
    public void UnloadableConnectorFile_IsAConfigurationErrorNamingIt()
    {
        string directory = Directory.CreateTempSubdirectory("patchbay-connectors-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "Patchbay.Connectors.Broken.dll"), "not an assembly");
            ConnectorDiscovery discovery = ConnectorDiscovery.Start(directory);

            ConfigurationError error = Assert.Throws<ConfigurationError>(() => discovery.Connectors);

            Assert.Equal("Patchbay.Connectors.Broken.dll", error.File);
            Assert.Contains("cannot be loaded", error.Message, StringComparison.Ordinal);
            Assert.IsType<BadImageFormatException>(error.InnerException);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void BrokenConnector_LoadedInTheBackground_StillStopsStartUp()
    {
        // The standalone host, as tests host it, with its connectors discovered in a folder holding a broken one: start-up
        // (ValidatePatchbayPlatform, before Kestrel listens) must fail with the connector's error, not the first request.
        string directory = Directory.CreateTempSubdirectory("patchbay-connectors-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "Patchbay.Connectors.Broken.dll"), "not an assembly");
            using WebApplicationFactory<Program> factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
            {
                builder.UseSetting("AzureWebJobsStorage", "UseDevelopmentStorage=true");
                builder.UseSetting("Patchbay:EncryptionKeys", "k1:" + Convert.ToBase64String(new byte[32]));
                builder.UseSetting("PollingSchedule", "0 0 0 1 1 *");
                builder.ConfigureServices(services => services.AddSingleton(ConnectorDiscovery.Start(directory)));
            });

            ConfigurationError error = Assert.Throws<ConfigurationError>(() => factory.Server);

            Assert.Equal("Patchbay.Connectors.Broken.dll", error.File);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
