using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace Patchbay.Client.Tests;

/// <summary><c>dotnet pack</c> of the three shipped packages: metadata, readme, licence, symbols, dependencies and the tool.</summary>
public sealed class PackageTests
{
    [Fact]
    public async Task Pack_MakesTheSdkClientAndToolPackages()
    {
        string root = Patchbay.Testing.AzuriteFixture.FindRepoRoot();
        string output = Path.Combine(Path.GetTempPath(), "patchbay-pack-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (string project in new[] { "src/Sdk/Patchbay.Sdk.csproj", "src/Client/Patchbay.Client.csproj", "src/Cli/Patchbay.Cli.csproj" })
            {
                await PackAsync(root, project, output);
            }

            XElement client = Nuspec(Path.Combine(output, "Patchbay.Client.0.1.0.nupkg"), out string[] clientFiles);
            Assert.Equal("MIT", Meta(client, "license"));
            Assert.Equal("README.md", Meta(client, "readme"));
            Assert.Contains("README.md", clientFiles);
            Assert.Contains("lib/net10.0/Patchbay.Client.xml", clientFiles);
            Assert.Contains(client.Descendants().Where(e => e.Name.LocalName == "dependency"), d => (string?)d.Attribute("id") == "Patchbay.Sdk");

            XElement sdk = Nuspec(Path.Combine(output, "Patchbay.Sdk.0.1.0.nupkg"), out string[] sdkFiles);
            Assert.Equal("MIT", Meta(sdk, "license"));
            Assert.Contains("README.md", sdkFiles);
            Assert.DoesNotContain(sdk.Descendants().Where(e => e.Name.LocalName == "dependency"), d => ((string?)d.Attribute("id"))!.StartsWith("Azure", StringComparison.Ordinal));

            XElement tool = Nuspec(Path.Combine(output, "patchbay.0.1.0.nupkg"), out string[] toolFiles);
            Assert.Contains(tool.Descendants().Where(e => e.Name.LocalName == "packageType"), t => (string?)t.Attribute("name") == "DotnetTool");
            Assert.Contains(toolFiles, f => f.StartsWith("tools/net10.0/any/patchbay.dll", StringComparison.Ordinal));

            foreach (string id in new[] { "Patchbay.Sdk", "Patchbay.Client", "patchbay" })
            {
                Assert.True(File.Exists(Path.Combine(output, $"{id}.0.1.0.snupkg")), $"{id} has no symbols package");
            }
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    private static async Task PackAsync(string root, string project, string output)
    {
        var start = new ProcessStartInfo("dotnet", ["pack", project, "-c", "Release", "--no-build", "-o", output, "-nologo", "-v:q"])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"dotnet pack {project} failed:\n{await stdout}\n{await stderr}");
    }

    private static XElement Nuspec(string package, out string[] files)
    {
        using ZipArchive zip = ZipFile.OpenRead(package);
        files = [.. zip.Entries.Select(e => e.FullName)];
        ZipArchiveEntry nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using Stream stream = nuspec.Open();
        return XElement.Load(stream);
    }

    private static string? Meta(XElement nuspec, string name) =>
        nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
}
