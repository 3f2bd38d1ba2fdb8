namespace Patchbay.Cli.Tests;

/// <summary>What one in-process command line printed and returned.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public string All => Out + Error;
}

/// <summary>Runs the real command parser in process with captured stdout and stderr.</summary>
internal static class CliRunner
{
    public static Task<CliRun> RunAsync(string workingDirectory, params string[] args) => RunWithHomeAsync(workingDirectory, null, args);

    /// <summary>Runs with <paramref name="home"/> as the directory <c>~</c> stands for.</summary>
    public static async Task<CliRun> RunWithHomeAsync(string workingDirectory, string? home, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new CliConsole(output, error, workingDirectory);
        if (home is not null) console = console with { HomeDirectory = home };
        int code = await PatchbayCli.RunAsync(args, console);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>The repository root (the folder with Patchbay.slnx above the test output).</summary>
    public static string RepositoryRoot { get; } = Patchbay.Cli.Commands.New.NewCommand.FindRepositoryRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("Patchbay.slnx not found above " + AppContext.BaseDirectory);

    /// <summary>The fixture connector folder (a valid .NET connector).</summary>
    public static string FixtureFolder => Path.Combine(RepositoryRoot, "tests", "Patchbay.Cli.Tests", "Fixtures", "items-fixture");

    /// <summary>The built fixture connector.</summary>
    public static string FixtureAssembly => Path.Combine(AppContext.BaseDirectory, "Patchbay.Cli.Fixtures.Items.dll");
}

/// <summary>A fresh folder under the temp directory, deleted afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("patchbay-cli-").FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public string Write(string relativePath, string text)
    {
        string full = Combine(relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A build server may still hold a file for a moment; the temp folder is cleaned eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
