using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Patchbay.Platform.Tests;

/// <summary>Issue 11 item 15: the github and slack READMEs showed connection ids like conn_123; real ones are con_ and 32 hex digits.</summary>
[Collection(PatchbayAppCollection.Name)]
public partial class Issue11Item15Tests(PatchbayApp app)
{
    [GeneratedRegex("^con_[0-9a-f]{32}$")]
    private static partial Regex ConnectionId();

    [GeneratedRegex("\"connection_id\"\\s*:\\s*\"([^\"]*)\"")]
    private static partial Regex DocumentedConnectionId();

    [Fact]
    public async Task Item15_EveryConnectionIdInTheDocs_HasTheFormatTheApiGives()
    {
        HttpResponseMessage response = await app.Client.PostAsync("/api/connections", Http.Json(new { connector = "upstream-test", entity_id = "item15-docs", credentials = new { api_key = "good-key-123" } }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        string real = (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
        Assert.Matches(ConnectionId(), real);

        string root = RepositoryRoot();
        var documented = Directory.EnumerateFiles(root, "*.md", SearchOption.AllDirectories)
            .Where(path => !path.Contains("node_modules", StringComparison.Ordinal) && !path.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .SelectMany(path => DocumentedConnectionId().Matches(File.ReadAllText(path)).Select(m => (File: Path.GetRelativePath(root, path), Id: m.Groups[1].Value)))
            .ToList();

        Assert.Contains(documented, d => d.File.EndsWith(Path.Combine("github", "README.md"), StringComparison.Ordinal));
        Assert.Contains(documented, d => d.File.EndsWith(Path.Combine("slack", "README.md"), StringComparison.Ordinal));
        Assert.All(documented, d => Assert.True(ConnectionId().IsMatch(d.Id) || d.Id.StartsWith('$'), $"{d.File} shows connection_id \"{d.Id}\"; real ids look like {real}"));
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
