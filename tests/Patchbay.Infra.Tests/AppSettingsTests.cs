using System.Text.Json;
using Patchbay.Platform.Hosting;

namespace Patchbay.Infra.Tests;

[Collection(InfraCollection.Name)]
public class AppSettingsTests(CompiledInfra infra)
{
    private const string LocalSample = "src/FunctionApp/local.settings.sample.json";

    /// <summary>The setting names in the worker's local.settings.sample.json "Values".</summary>
    public static IReadOnlySet<string> LocalSettingNames()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(BicepCli.RepoPath(LocalSample)));
        return sample.RootElement.GetProperty("Values").EnumerateObject().Select(value => value.Name).ToHashSet(StringComparer.Ordinal);
    }

    [Fact]
    public void AppSettingNames_AreExactlyWhatTheAppReads()
    {
        // SettingNames is the app's own list (Patchbay.Platform.Hosting); a test there ties it to what the code binds.
        // No FUNCTIONS_WORKER_RUNTIME or FUNCTIONS_EXTENSION_VERSION: Flex Consumption refuses them (functionAppConfig.runtime instead).
        var expected = SettingNames.Azure.Order(StringComparer.Ordinal);

        Assert.Equal(expected, infra.Template.AppSettingNames().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void LocalSample_HasEverySettingTheWorkerReadsLocally()
    {
        // Not the standalone-only Patchbay__ApiKeys: under func start the host checks function keys (with --enableAuth).
        // The OAuth settings are in the sample (empty) so a developer with an OAuth connector sees what to fill in.
        var expected = SettingNames.Azure.Except(SettingNames.AzureOnly).Concat(SettingNames.LocalOnly).Concat(SettingNames.OAuth)
            .Append(SettingNames.WorkerRuntime).Order(StringComparer.Ordinal);

        Assert.Equal(expected, LocalSettingNames().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AppSettings_NeverTurnOnPrivateNetworksOrStandaloneApiKeys()
    {
        var names = infra.Template.AppSettingNames();

        Assert.DoesNotContain("Patchbay__AllowPrivateNetworks", names);
        Assert.DoesNotContain("Patchbay__ApiKeys", names);
        Assert.DoesNotContain("WEBSITE_RUN_FROM_PACKAGE", names);
    }

    [Fact]
    public void AppSettingValues_ComeFromParametersWithTheAppsDefaults()
    {
        var (module, _) = infra.Template.FunctionApp;
        var settings = infra.Template.AppSettings();
        var parameters = infra.Template.Root.GetProperty("parameters");

        Assert.Equal("[parameters('pollingSchedule')]", infra.Template.Resolve(module, settings["PollingSchedule"]).Expression);
        Assert.Equal("0 */1 * * * *", parameters.GetProperty("pollingSchedule").GetProperty("defaultValue").GetString());
        var defaults = new PatchbayOptions();
        Assert.Equal(SettingNames.DefaultPollingSchedule, parameters.GetProperty("pollingSchedule").GetProperty("defaultValue").GetString());
        Assert.Equal("[parameters('pollingQueue')]", infra.Template.Resolve(module, settings["PollingQueue"]).Expression);
        Assert.Equal(SettingNames.DefaultPollingQueue, parameters.GetProperty("pollingQueue").GetProperty("defaultValue").GetString());
        Assert.Equal(defaults.PollingConcurrency, parameters.GetProperty("pollingConcurrency").GetProperty("defaultValue").GetInt32());
        Assert.Equal(defaults.MaxRequestBytes, parameters.GetProperty("maxRequestBytes").GetProperty("defaultValue").GetInt64());
        Assert.Equal(defaults.MaxConsecutiveFailures, parameters.GetProperty("maxConsecutiveFailures").GetProperty("defaultValue").GetInt32());
        Assert.Equal(defaults.StorageTimeoutSeconds, parameters.GetProperty("storageTimeoutSeconds").GetProperty("defaultValue").GetInt32());
        Assert.Equal("[string(parameters('pollingConcurrency'))]", settings["Patchbay__PollingConcurrency"]);
        Assert.Equal("[string(parameters('maxRequestBytes'))]", settings["Patchbay__MaxRequestBytes"]);
        Assert.Equal("[string(parameters('maxConsecutiveFailures'))]", settings["Patchbay__MaxConsecutiveFailures"]);
        Assert.Equal("[string(parameters('storageTimeoutSeconds'))]", settings["Patchbay__StorageTimeoutSeconds"]);
        Assert.Equal("[parameters('outboundProxy')]", infra.Template.Resolve(module, settings["Patchbay__OutboundProxy"]).Expression);
        Assert.Equal(string.Empty, parameters.GetProperty("outboundProxy").GetProperty("defaultValue").GetString());
        Assert.Null(defaults.OutboundProxyUri);
    }

    [Fact]
    public void AppSettingValues_NeverCarryTheEncryptionKeyOrAnAccountKey()
    {
        var (module, _) = infra.Template.FunctionApp;

        foreach (var (name, value) in infra.Template.AppSettings())
        {
            var (owner, resolved) = infra.Template.Resolve(module, value);
            Assert.DoesNotContain("parameters('encryptionKey')", resolved, StringComparison.Ordinal);
            Assert.DoesNotContain("listKeys(", resolved, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("AccountKey=", resolved, StringComparison.OrdinalIgnoreCase);
            Assert.True(owner is null || owner.Name != "keyvault" || name == "Patchbay__EncryptionKeys", $"{name} reads from the vault module.");
        }
    }

    [Fact]
    public void LocalSample_IsTheIsolatedWorkerOnAzurite_WithADevOnlyKeyInTheDocumentedFormat()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(BicepCli.RepoPath(LocalSample)));
        var values = sample.RootElement.GetProperty("Values");

        Assert.False(sample.RootElement.GetProperty("IsEncrypted").GetBoolean());
        Assert.Equal("dotnet-isolated", values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
        Assert.Equal("UseDevelopmentStorage=true", values.GetProperty("AzureWebJobsStorage").GetString());
        var key = values.GetProperty("Patchbay__EncryptionKeys").GetString()!.Split(':');
        Assert.Equal("devonly", key[0]);
        Assert.Equal(32, Convert.FromBase64String(key[1]).Length);
    }
}
