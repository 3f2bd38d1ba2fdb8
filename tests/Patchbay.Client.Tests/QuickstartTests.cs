namespace Patchbay.Client.Tests;

[Collection(ClientAppCollection.Name)]
public sealed class QuickstartTests(ClientApp app)
{
    [Fact]
    public void TheReadmeQuickstart_IsTheCodeThisProjectCompiles()
    {
        string root = Patchbay.Testing.AzuriteFixture.FindRepoRoot();
        string[] code = Between(File.ReadAllLines(Path.Combine(root, "tests", "Patchbay.Client.Tests", "Quickstart.cs")), "// quickstart:begin", "// quickstart:end");
        string[] readme = Between(File.ReadAllLines(Path.Combine(root, "src", "Client", "README.md")), "// quickstart:begin", "// quickstart:end");
        Assert.True(code.Length >= 10, "the quickstart region is missing");
        Assert.Equal(code.Select(l => l.Trim()), readme.Select(l => l.Trim()));
    }

    [Fact]
    public async Task TheQuickstart_RunsAgainstTheApp()
    {
        Assert.Equal("healthy", await Quickstart.RunAsync(app.Endpoint, ClientApp.ApiKey));
    }

    private static string[] Between(string[] lines, string begin, string end)
    {
        int first = Array.FindIndex(lines, l => l.Trim() == begin);
        int last = Array.FindIndex(lines, l => l.Trim() == end);
        return first < 0 || last < first ? [] : lines[(first + 1)..last];
    }
}
