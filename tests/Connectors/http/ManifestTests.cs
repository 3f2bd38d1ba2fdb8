using Patchbay.Sdk;

namespace Patchbay.Connectors.Http.Tests;

public class ManifestTests
{
    [Fact]
    public void Manifest_LoadsWithoutWarningsAndDescribesATool()
    {
        Connector connector = Connector.FromAssembly(typeof(Request).Assembly);

        Assert.Equal("http", connector.Id);
        Assert.Empty(connector.Manifest.Warnings);
        Assert.Equal(AuthKinds.Custom, connector.Manifest.Auth.Type);
        Assert.Null(connector.Manifest.Auth.ApiKey); // the handler injects the credential itself
        Assert.Equal(TimeSpan.FromMinutes(5), connector.Manifest.PollingTriggers["json_items"].PollingInterval);
        ToolDefinition tool = Assert.Single(ToolSchemas.Create([connector.Manifest], ToolFormat.Anthropic));
        Assert.Equal("http_request", tool.Name);
    }
}
