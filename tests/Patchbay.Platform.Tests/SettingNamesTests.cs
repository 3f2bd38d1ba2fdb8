using System.Reflection;
using Patchbay.Platform.Hosting;

namespace Patchbay.Platform.Tests;

/// <summary>SettingNames (which the infra tests compare with the Bicep and local.settings.sample.json) names exactly what the options bind.</summary>
public class SettingNamesTests
{
    [Fact]
    public void SettingNames_AreTheOnesTheOptionsBind()
    {
        string[] bound = [.. typeof(PatchbayOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite).Select(p => $"{PatchbayOptions.Section}__{p.Name}").Order(StringComparer.Ordinal)];
        string[] listed = [.. SettingNames.Azure.Concat(SettingNames.LocalOnly).Concat(SettingNames.StandaloneOnly)
            .Where(n => n.StartsWith("Patchbay__", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal)];

        Assert.Equal(bound, listed);
    }
}
