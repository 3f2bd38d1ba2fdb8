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

/// <summary>Issue 11 item 15: the manifest (what the catalogue and tool schemas show) and the README describe the same connector.</summary>
public class Issue11Item15Tests
{
    [Theory]
    [InlineData("RSS 2.0")]
    [InlineData("0.9x")]
    [InlineData("RSS 1.0")]
    [InlineData("Atom 1.0")]
    [InlineData("in the feed's own order")]
    public void Item15_ManifestAndReadme_NameTheSameFormatsAndOrder(string phrase)
    {
        ConnectorManifest manifest = Connector.FromAssembly(typeof(FetchFeed).Assembly).Manifest;
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Connectors", "rss", "README.md"));

        Assert.Contains(phrase, manifest.Description, StringComparison.Ordinal);
        Assert.Contains(phrase, manifest.Actions["fetch_feed"].Description, StringComparison.Ordinal);
        Assert.Contains(phrase, readme, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Patchbay.slnx"))) return directory.FullName;
        }

        throw new InvalidOperationException("Patchbay.slnx not found above " + AppContext.BaseDirectory);
    }
}
