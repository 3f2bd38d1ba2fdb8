using System.Text.RegularExpressions;

namespace Patchbay.Testing.Functions.Functions;

/// <summary>
/// Resolves <c>%Name%</c> tokens the way the WebJobs name resolver does for trigger settings: from the app settings,
/// then from the environment (the host's configuration includes both). A token that resolves to nothing is an error,
/// as it is for the host's indexing.
/// </summary>
internal sealed partial class AppSettingResolver(IReadOnlyDictionary<string, string?> appSettings)
{
    public string ResolveWholeString(string value, string usedBy) =>
        Token().Replace(value, match =>
        {
            string name = match.Groups["name"].Value;
            string? resolved = appSettings.TryGetValue(name, out string? setting) ? setting : Environment.GetEnvironmentVariable(name);
            return resolved ?? throw new InvalidOperationException(
                $"'%{name}%' in {usedBy} does not resolve to a value. Add \"{name}\" to FunctionsHostDoubleOptions.AppSettings (the host reads it from the app settings).");
        });

    [GeneratedRegex("%(?<name>[^%]+)%", RegexOptions.CultureInvariant)]
    private static partial Regex Token();
}
