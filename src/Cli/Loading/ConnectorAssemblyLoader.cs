using System.Diagnostics;
using System.Text;
using Patchbay.Sdk;

namespace Patchbay.Cli.Loading;

/// <summary>
/// Turns what the user pointed at into a runnable <see cref="Connector"/>: a connector folder is built
/// with <c>dotnet build</c> and its output assembly loaded; <c>--assembly</c> skips the build.
/// </summary>
/// <remarks>
/// Building through the project (rather than compiling the sources in process) keeps the connector's own
/// package references, analyzers and the embedded config.json exactly as the Function App sees them.
/// </remarks>
internal static class ConnectorAssemblyLoader
{
    /// <summary>Loads the connector at <paramref name="path"/>, or from <paramref name="assemblyPath"/> when given.</summary>
    /// <exception cref="CliError">Nothing runnable there, the build failed, or the connector is invalid.</exception>
    public static async Task<Connector> LoadAsync(string path, string? assemblyPath, CliConsole console, CancellationToken cancellationToken)
    {
        if (assemblyPath is not null)
        {
            return FromAssemblyFile(console.Resolve(assemblyPath), assemblyPath);
        }

        string full = console.Resolve(path);
        if (File.Exists(full))
        {
            throw new CliError($"{path} is a bare config.json with no handlers, so it cannot run; point at the connector folder (the one with its .csproj) or pass --assembly <dll>");
        }

        if (!Directory.Exists(full))
        {
            throw new CliError($"{path} does not exist");
        }

        string[] projects = Directory.GetFiles(full, "*.csproj");
        if (projects.Length == 0)
        {
            throw new CliError($"{path} has no .csproj, so there is nothing to build and run (connectors written for the Autohive Python SDK validate but do not run here)");
        }

        if (projects.Length > 1)
        {
            throw new CliError($"{path} has {projects.Length} .csproj files; keep one per connector folder or pass --assembly <dll>");
        }

        string targetPath = await BuildAsync(projects[0], console, cancellationToken);
        return FromAssemblyFile(targetPath, targetPath);
    }

    private static Connector FromAssemblyFile(string fullPath, string shownPath)
    {
        if (!File.Exists(fullPath))
        {
            throw new CliError($"{shownPath} does not exist");
        }

        try
        {
            var context = new ConnectorLoadContext(fullPath);
            return Connector.FromAssembly(context.LoadFromAssemblyPath(fullPath));
        }
        catch (ConfigurationError ex)
        {
            throw new CliError(ex.Message);
        }
        catch (BadImageFormatException)
        {
            throw new CliError($"{shownPath} is not a .NET assembly");
        }
        catch (System.Reflection.ReflectionTypeLoadException ex)
        {
            string first = ex.LoaderExceptions.FirstOrDefault(e => e is not null)?.Message ?? ex.Message;
            throw new CliError($"{shownPath} could not be loaded: {first}");
        }
    }

    private static async Task<string> BuildAsync(string project, CliConsole console, CancellationToken cancellationToken)
    {
        await console.Error.WriteLineAsync($"Building {Path.GetFileName(project)} ...");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(project)!,
        };
        foreach (string arg in (string[])["build", project, "-nologo", "-v:q", "-t:Build", "-getProperty:TargetPath"]) start.ArgumentList.Add(arg);
        // Progress output from the build server would otherwise mix into our stdout.
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        using Process process = Process.Start(start) ?? throw new CliError("could not start 'dotnet build'; is the .NET SDK on PATH?");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        string output = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            var errors = new StringBuilder();
            foreach (string line in output.Split('\n').Select(l => l.Trim()).Where(l => l.Contains(": error ", StringComparison.Ordinal)).Distinct().Take(20))
            {
                errors.Append('\n').Append(line);
            }

            await console.Error.WriteLineAsync(errors.Length > 0 ? errors.ToString().TrimStart('\n') : output.Trim());
            throw new CliError($"dotnet build {Path.GetFileName(project)} failed (exit code {process.ExitCode})");
        }

        string? targetPath = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && File.Exists(l));
        return targetPath ?? throw new CliError($"dotnet build {Path.GetFileName(project)} succeeded but did not report its output assembly");
    }
}
