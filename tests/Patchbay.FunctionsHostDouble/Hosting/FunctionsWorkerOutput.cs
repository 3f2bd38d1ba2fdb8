using System.Reflection;

namespace Patchbay.Testing.Functions;

/// <summary>
/// Finds a worker's build output that build/FunctionsWorker.targets recorded in a test assembly
/// (<c>[assembly: AssemblyMetadata("FunctionsWorkerOutput:&lt;AssemblyName&gt;", "&lt;folder&gt;")]</c>).
/// </summary>
public static class FunctionsWorkerOutput
{
    private const string Prefix = "FunctionsWorkerOutput:";

    /// <summary>The build output folder of the worker whose assembly is <paramref name="workerAssemblyName"/>.</summary>
    /// <param name="testAssembly">The test assembly whose project references the worker with <c>FunctionsWorker="true"</c>.</param>
    /// <param name="workerAssemblyName">The worker's assembly name, e.g. <c>Patchbay.FunctionApp</c>.</param>
    /// <returns>The folder that holds worker.config.json.</returns>
    /// <exception cref="InvalidOperationException">The reference is not declared, or the worker was not built there.</exception>
    public static string Find(Assembly testAssembly, string workerAssemblyName)
    {
        ArgumentNullException.ThrowIfNull(testAssembly);
        ArgumentException.ThrowIfNullOrEmpty(workerAssemblyName);
        string? folder = testAssembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(attribute => string.Equals(attribute.Key, Prefix + workerAssemblyName, StringComparison.OrdinalIgnoreCase))?.Value;
        if (folder is null)
        {
            throw new InvalidOperationException(
                $"{testAssembly.GetName().Name} records no build output for worker '{workerAssemblyName}'. In its .csproj, import " +
                "tests/Patchbay.FunctionsHostDouble/build/FunctionsWorker.targets and add " +
                $"<ProjectReference Include=\"...{workerAssemblyName}.csproj\" ReferenceOutputAssembly=\"false\" FunctionsWorker=\"true\" />.");
        }

        if (!File.Exists(Path.Combine(folder, "worker.config.json")))
        {
            throw new InvalidOperationException(
                $"The worker '{workerAssemblyName}' has not been built into {folder} (no worker.config.json). Build the test project (it builds the worker), e.g. " +
                $"`dotnet build <test project> -c <configuration>`, before `dotnet test --no-build`.");
        }

        return folder;
    }
}
