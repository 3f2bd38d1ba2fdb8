using System.Diagnostics;
using Patchbay.Cli.Commands.New;

namespace Patchbay.Cli.Tests.Commands.New;

/// <summary>
/// <c>patchbay new</c> into a temp copy of the repository's build files and SDK, then <c>dotnet test</c> on the
/// generated test project: the template must build with warnings as errors and its tests must pass. Slow (a full build).
/// </summary>
public sealed class NewCommandEndToEndTests : IDisposable
{
    private static readonly string[] s_copied =
    [
        "Directory.Build.props", "Directory.Packages.props", ".editorconfig", NewCommand.SolutionFile,
        "src/Sdk", "src/Connectors/Directory.Build.props", "tests/Connectors/Directory.Build.props", "tests/Connectors/Shared",
    ];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task New_GeneratesAConnectorWhoseTestsPass()
    {
        foreach (string path in s_copied) Copy(Path.Combine(CliRunner.RepositoryRoot, path), _temp.Combine(path));
        string workingDirectory = _temp.Combine("src");

        CliRun created = await CliRunner.RunAsync(workingDirectory, "new", "demo-connector");

        Assert.True(created.ExitCode == 0, created.All);
        string solution = File.ReadAllText(_temp.Combine(NewCommand.SolutionFile));
        Assert.Contains("src/Connectors/demo-connector/Patchbay.Connectors.DemoConnector.csproj", solution, StringComparison.Ordinal);
        Assert.Contains("tests/Connectors/demo-connector/Patchbay.Connectors.DemoConnector.Tests.csproj", solution, StringComparison.Ordinal);

        (int exitCode, string output) = await DotnetAsync(_temp.Path, "test", "tests/Connectors/demo-connector", "-nologo");
        Assert.True(exitCode == 0, output);
        Assert.Contains("Passed!", output, StringComparison.Ordinal);
        Assert.Contains("Failed:     0", output, StringComparison.Ordinal);

        // run builds the folder and loads it; bad inputs stop before any request, and the key never shows.
        CliRun ran = await CliRunner.RunAsync(_temp.Path, "run", "src/Connectors/demo-connector", "get_item", "--inputs", "{}", "--auth", "{\"api_key\":\"sk-e2e-very-secret\"}");
        Assert.Equal(1, ran.ExitCode);
        Assert.Contains("error: the inputs are not valid:", ran.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-e2e-very-secret", ran.All, StringComparison.Ordinal);
    }

    private static void Copy(string source, string target)
    {
        if (File.Exists(source))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
            return;
        }

        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj") continue;
            Copy(file, Path.Combine(target, relative));
        }
    }

    private static async Task<(int ExitCode, string Output)> DotnetAsync(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
