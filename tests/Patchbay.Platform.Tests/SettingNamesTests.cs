using System.Reflection;
using Patchbay.Platform.Hosting;

namespace Patchbay.Platform.Tests;

/// <summary>SettingNames (which the infra tests compare with the Bicep and local.settings.sample.json) names exactly what the options bind.</summary>
public class SettingNamesTests
{
    [Fact]
    public void SettingNames_AreTheOnesTheOptionsBind()
    {
        // Nested option objects (OAuth) bind their own scalar properties; the per-provider dictionary is named by a prefix.
        string[] bound = [.. Names(typeof(PatchbayOptions), PatchbayOptions.Section).Order(StringComparer.Ordinal)];
        string[] listed = [.. SettingNames.Azure.Concat(SettingNames.LocalOnly).Concat(SettingNames.StandaloneOnly).Concat(SettingNames.OAuth)
            .Where(n => n.StartsWith("Patchbay__", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal)];

        Assert.Equal(bound, listed);
    }

    private static IEnumerable<string> Names(Type type, string prefix)
    {
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            Type t = property.PropertyType;
            if (t.IsClass && t != typeof(string) && !t.IsGenericType)
            {
                foreach (string name in Names(t, $"{prefix}__{property.Name}")) yield return name;
            }
            else if (!t.IsGenericType || Nullable.GetUnderlyingType(t) is not null)
            {
                yield return $"{prefix}__{property.Name}";
            }
        }
    }
}
