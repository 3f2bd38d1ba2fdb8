using System.Reflection;
using System.Runtime.Loader;

namespace Patchbay.Cli.Loading;

/// <summary>
/// Loads a built connector next to the CLI. Patchbay.Sdk and everything else the CLI ships come from the
/// CLI (so <c>ActionHandler</c> in the connector is the same type the CLI runs); the connector's own
/// package dependencies come from its output folder, as its <c>.deps.json</c> lists them.
/// </summary>
internal sealed class ConnectorLoadContext : AssemblyLoadContext
{
    private readonly AssemblyDependencyResolver _resolver;

    public ConnectorLoadContext(string assemblyPath)
        : base($"connector:{Path.GetFileNameWithoutExtension(assemblyPath)}", isCollectible: false)
    {
        _resolver = new AssemblyDependencyResolver(assemblyPath);
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (IsShared(assemblyName)) return null;
        string? path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        string? path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }

    // Shared means the default context already knows it: the framework, or a dll shipped with the CLI.
    private static bool IsShared(AssemblyName assemblyName)
    {
        string name = assemblyName.Name ?? string.Empty;
        if (name == typeof(Sdk.Connector).Assembly.GetName().Name) return true;
        if (Default.Assemblies.Any(a => a.GetName().Name == name)) return true;
        string? tpa = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string;
        if (tpa is not null && tpa.Split(Path.PathSeparator).Any(p => Path.GetFileNameWithoutExtension(p) == name)) return true;
        return File.Exists(Path.Combine(AppContext.BaseDirectory, name + ".dll"));
    }
}
