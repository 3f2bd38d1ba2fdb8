using System.Text.Json;
using System.Text.RegularExpressions;

namespace Patchbay.Infra.Tests;

/// <summary>
/// The ARM JSON that <c>bicep build infra/main.bicep</c> produces: the top-level template and one
/// nested deployment per Bicep module (inner expression scope, so a module's template refers to
/// its own parameters and the parent passes expression strings for them).
/// </summary>
public sealed partial class ArmTemplate
{
    private ArmTemplate(JsonElement root)
    {
        Root = root;
        Modules = ResourcesIn(root)
            .Where(resource => Type(resource) == "Microsoft.Resources/deployments")
            .Select(resource => new ArmModule(resource.GetProperty("name").GetString()!, resource))
            .ToArray();
    }

    /// <summary>The whole compiled template.</summary>
    public JsonElement Root { get; }

    /// <summary>The modules, in template order.</summary>
    public IReadOnlyList<ArmModule> Modules { get; }

    /// <summary>Parses compiled ARM JSON; the document is cloned, so nothing needs disposing.</summary>
    public static ArmTemplate Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return new ArmTemplate(document.RootElement.Clone());
    }

    /// <summary>The module deployed under <paramref name="name"/>; fails the test when absent.</summary>
    public ArmModule Module(string name) =>
        Modules.SingleOrDefault(module => module.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"No module deployment named '{name}'; found {string.Join(", ", Modules.Select(m => m.Name))}.");

    /// <summary>Every resource of <paramref name="type"/> in any module, with the module that declares it.</summary>
    public IEnumerable<(ArmModule Module, JsonElement Resource)> ResourcesOfType(string type) =>
        Modules.SelectMany(module => module.Resources
            .Where(resource => string.Equals(Type(resource), type, StringComparison.OrdinalIgnoreCase))
            .Select(resource => (module, resource)));

    /// <summary>The single resource of <paramref name="type"/> across all modules.</summary>
    public (ArmModule Module, JsonElement Resource) OnlyResourceOfType(string type)
    {
        var found = ResourcesOfType(type).ToArray();
        Assert.True(found.Length == 1, $"Expected one {type}, found {found.Length}.");
        return found[0];
    }

    /// <summary>The function app resource (Microsoft.Web/sites).</summary>
    public (ArmModule Module, JsonElement Resource) FunctionApp => OnlyResourceOfType("Microsoft.Web/sites");

    /// <summary>The function app's settings, name to value expression, as the Bicep sets them.</summary>
    public IReadOnlyDictionary<string, string> AppSettings()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        var appSettings = FunctionApp.Resource.GetProperty("properties").GetProperty("siteConfig").GetProperty("appSettings");
        foreach (var setting in appSettings.EnumerateArray())
        {
            var name = setting.GetProperty("name").GetString()!;
            Assert.True(settings.TryAdd(name, setting.GetProperty("value").GetString()!), $"App setting {name} is set twice.");
        }

        return settings;
    }

    /// <summary>The names of the function app's settings, as the Bicep sets them.</summary>
    public IReadOnlySet<string> AppSettingNames() => AppSettings().Keys.ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Follows an expression through module boundaries: <c>[parameters('p')]</c> inside
    /// <paramref name="module"/> becomes what the parent passes for p, and a parent's
    /// <c>reference(...'deployments', 'm')...outputs.o.value</c> becomes module m's output expression.
    /// Returns the module the final expression belongs to (null for the top-level template).
    /// </summary>
    public (ArmModule? Module, string Expression) Resolve(ArmModule? module, string expression)
    {
        while (true)
        {
            var parameter = ParameterReference().Match(expression);
            if (module is not null && parameter.Success && module.TryGetPassedParameter(parameter.Groups["name"].Value, out var passed))
            {
                expression = passed;
                module = null;
                continue;
            }

            var output = ModuleOutputReference().Match(expression);
            if (module is null && output.Success)
            {
                module = Module(output.Groups["module"].Value);
                expression = module.Output(output.Groups["output"].Value);
                continue;
            }

            return (module, expression);
        }
    }

    /// <summary>Resources of a template, whether compiled as an array or (language version 2) an object.</summary>
    internal static IEnumerable<JsonElement> ResourcesIn(JsonElement template)
    {
        if (!template.TryGetProperty("resources", out var resources))
        {
            return [];
        }

        return resources.ValueKind == JsonValueKind.Object
            ? resources.EnumerateObject().Select(property => property.Value).ToArray()
            : resources.EnumerateArray().ToArray();
    }

    internal static string Type(JsonElement resource) => resource.GetProperty("type").GetString()!;

    [GeneratedRegex(@"^\[parameters\('(?<name>\w+)'\)\]$")]
    private static partial Regex ParameterReference();

    [GeneratedRegex(@"^\[reference\(resourceId\('Microsoft\.Resources/deployments', '(?<module>[\w-]+)'\), '[\d-]+'\)\.outputs\.(?<output>\w+)\.value\]$")]
    private static partial Regex ModuleOutputReference();
}

/// <summary>One Bicep module: a nested deployment, the parameters its parent passes and its template.</summary>
public sealed class ArmModule(string name, JsonElement deployment)
{
    /// <summary>The deployment name (the module's <c>name:</c>).</summary>
    public string Name { get; } = name;

    /// <summary>The module's own template.</summary>
    public JsonElement Template { get; } = deployment.GetProperty("properties").GetProperty("template");

    /// <summary>The module's resources.</summary>
    public IReadOnlyList<JsonElement> Resources => ArmTemplate.ResourcesIn(Template).ToArray();

    /// <summary>The expression the parent passes for <paramref name="parameter"/>; fails the test when not passed.</summary>
    public string PassedParameter(string parameter)
    {
        Assert.True(TryGetPassedParameter(parameter, out var passed), $"Module {Name} is not passed parameter {parameter}.");
        return passed;
    }

    /// <summary>The expression the parent passes for <paramref name="parameter"/>, if it passes one (else the module's default applies).</summary>
    public bool TryGetPassedParameter(string parameter, out string passed)
    {
        var parameters = deployment.GetProperty("properties").GetProperty("parameters");
        if (!parameters.TryGetProperty(parameter, out var value))
        {
            passed = "";
            return false;
        }

        value = value.GetProperty("value");
        passed = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        return true;
    }

    /// <summary>The value expression of the module's output <paramref name="output"/>.</summary>
    public string Output(string output)
    {
        Assert.True(Template.GetProperty("outputs").TryGetProperty(output, out var value), $"Module {Name} has no output {output}.");
        return value.GetProperty("value").GetString()!;
    }

    /// <summary>The raw JSON of the module's variable <paramref name="variable"/>.</summary>
    public string Variable(string variable) => Template.GetProperty("variables").GetProperty(variable).GetRawText();
}
