using System.Reflection;
using Patchbay.Sdk;

namespace Patchbay.Platform.Catalog;

/// <summary>Every connector the app runs, by id; loaded and checked once at start-up (see <see cref="ConnectorDiscovery"/>).</summary>
public sealed class ConnectorCatalog
{
    private readonly Dictionary<string, Connector> _connectors;

    /// <exception cref="ConfigurationError">Two connectors share an id.</exception>
    public ConnectorCatalog(IEnumerable<Connector> connectors)
    {
        _connectors = new Dictionary<string, Connector>(StringComparer.Ordinal);
        foreach (Connector connector in connectors)
        {
            if (_connectors.TryGetValue(connector.Id, out Connector? existing))
            {
                throw new ConfigurationError(connector.Manifest.Source, "/name",
                    $"connector id '{connector.Id}' is already used by {existing.Manifest.Source}; give one of them another name");
            }

            _connectors.Add(connector.Id, connector);
        }
    }

    public IReadOnlyCollection<Connector> All => _connectors.Values;

    public bool TryGet(string id, out Connector connector) => _connectors.TryGetValue(id, out connector!);

    /// <summary>Loads every <c>Patchbay.Connectors.*.dll</c> next to the app (the connector projects it references).</summary>
    public static IEnumerable<Connector> Discover(string directory)
    {
        foreach (string file in Directory.EnumerateFiles(directory, "Patchbay.Connectors.*.dll").Order(StringComparer.Ordinal))
        {
            if (file.EndsWith(".Tests.dll", StringComparison.Ordinal)) continue;
            Assembly assembly = Load(file);
            if (assembly.GetManifestResourceInfo(Connector.ManifestResourceName) is null) continue;
            yield return Connector.FromAssembly(assembly);
        }
    }

    // A file that is not a loadable assembly (a half-copied deployment, a stray build output) names itself.
    private static Assembly Load(string file)
    {
        try
        {
            return Assembly.Load(AssemblyName.GetAssemblyName(file));
        }
        catch (Exception ex) when (ex is BadImageFormatException or FileLoadException or FileNotFoundException)
        {
            throw new ConfigurationError(Path.GetFileName(file), "",
                $"the connector assembly in {Path.GetDirectoryName(file)} cannot be loaded ({ex.Message}); delete it, or build and deploy the app again so that it is a connector the app references", ex);
        }
    }
}

/// <summary>Adds a connector beside the discovered ones (tests, or a host that builds connectors itself).</summary>
public sealed record ConnectorRegistration(Connector Connector);
