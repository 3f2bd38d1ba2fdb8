using Patchbay.Sdk;

namespace Patchbay.Connectors.Rss.Tests;

public class ManifestTests
{
    [Fact]
    public void Manifest_LoadsWithoutWarningsAndDescribesATool()
    {
        Connector connector = Connector.FromAssembly(typeof(FetchFeed).Assembly);

        Assert.Equal("rss", connector.Id);
        Assert.Empty(connector.Manifest.Warnings);
        Assert.Empty(connector.Manifest.AllowedHosts);
        Assert.Equal(TimeSpan.FromMinutes(15), connector.Manifest.PollingTriggers["new_items"].PollingInterval);
        ToolDefinition tool = Assert.Single(ToolSchemas.Create([connector.Manifest], ToolFormat.OpenAI, tags: ["feeds"]));
        Assert.Equal("rss_fetch_feed", tool.Name);
    }
}
