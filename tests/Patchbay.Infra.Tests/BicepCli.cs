using System.Diagnostics;
using System.Reflection;

namespace Patchbay.Infra.Tests;

/// <summary>What one bicep command printed and how it ended.</summary>
public readonly record struct BicepResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Everything the command printed, for assertions and failure messages.</summary>
    public string Output => StandardOutput + StandardError;

    /// <summary>True when the command succeeded and printed no diagnostic at all.</summary>
    public bool IsClean =>
        ExitCode == 0
        && !Output.Contains("Warning", StringComparison.OrdinalIgnoreCase)
        && !Output.Contains("Error", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Runs the bicep CLI that ships in the Azure.Bicep.CommandLine.linux-x64 package (its path is
/// baked into this assembly at build time, see the csproj), always from the repository root.
/// </summary>
public static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>Repository root (the folder holding Patchbay.slnx).</summary>
    public static string RepoRoot { get; } = Path.GetFullPath(Metadata("RepoRoot"));

    /// <summary>Full path of the bicep executable.</summary>
    public static string ExecutablePath { get; } = Metadata("BicepPath");

    /// <summary>Path of a file under the repository root, from its repository-relative path.</summary>
    public static string RepoPath(string relativePath) => Path.Combine(RepoRoot, relativePath);

    /// <summary>Runs bicep with <paramref name="arguments"/>; <paramref name="environment"/> entries with a null value are removed.</summary>
    public static async Task<BicepResult> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        EnsureExecutable();
        var startInfo = new ProcessStartInfo(ExecutablePath)
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // A key in the developer's shell must not make a test pass that CI would fail.
        startInfo.Environment.Remove("PATCHBAY_ENCRYPTION_KEY");
        startInfo.Environment.Remove("BICEP_PARAMETERS_OVERRIDES");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {ExecutablePath}.");
        using var timeout = new CancellationTokenSource(Timeout);
        var standardOutput = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var standardError = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', startInfo.ArgumentList)} ran longer than {Timeout}.");
        }

        return new BicepResult(process.ExitCode, await standardOutput, await standardError);
    }

    private static void EnsureExecutable()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new FileNotFoundException("The bicep CLI is missing: restore Azure.Bicep.CommandLine.linux-x64.", ExecutablePath);
        }

        // NuGet extracts files with the mode stored in the package, which is not always executable.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(ExecutablePath);
        const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(ExecutablePath, mode | execute);
        }
    }

    private static string Metadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(attribute => attribute.Key == key)?.Value
        ?? throw new InvalidOperationException($"Assembly metadata '{key}' is missing; see Patchbay.Infra.Tests.csproj.");
}
