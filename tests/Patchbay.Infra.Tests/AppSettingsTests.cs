using System.Text.Json;

namespace Patchbay.Infra.Tests;

[Collection(InfraCollection.Name)]
public class AppSettingsTests(CompiledInfra infra)
{
    /// <summary>Set only in Azure: the host's identity-based storage, telemetry and runtime version.</summary>
    public static readonly IReadOnlySet<string> AzureOnly = new HashSet<string>(StringComparer.Ordinal)
    {
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "FUNCTIONS_EXTENSION_VERSION",
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
        "AzureWebJobsStorage__blobServiceUri",
        "AzureWebJobsStorage__queueServiceUri",
        "AzureWebJobsStorage__tableServiceUri",
    };

    /// <summary>
    /// Set only locally: API keys (the Functions host checks function keys in Azure), private
    /// networks (must stay off in Azure) and the storage connection string (Azure uses the identity).
    /// </summary>
    public static readonly IReadOnlySet<string> LocalOnly = new HashSet<string>(StringComparer.Ordinal)
    {
        "Patchbay__ApiKeys",
        "Patchbay__AllowPrivateNetworks",
        "AzureWebJobsStorage",
    };

    /// <summary>The setting names in local.settings.sample.json's "Values".</summary>
    public static IReadOnlySet<string> LocalSettingNames()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(BicepCli.RepoPath("local.settings.sample.json")));
        return sample.RootElement.GetProperty("Values").EnumerateObject().Select(value => value.Name).ToHashSet(StringComparer.Ordinal);
    }

    [Fact]
    public void AppSettingNames_AreTheLocalSampleOnes_PlusAzureOnly_MinusLocalOnly()
    {
        var expected = LocalSettingNames().Except(LocalOnly).Concat(AzureOnly).Order(StringComparer.Ordinal);

        Assert.Equal(expected, infra.Template.AppSettingNames().Order(StringComparer.Ordinal));
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
        Assert.Equal(8, parameters.GetProperty("pollingConcurrency").GetProperty("defaultValue").GetInt32());
        Assert.Equal(1048576, parameters.GetProperty("maxRequestBytes").GetProperty("defaultValue").GetInt32());
        Assert.Equal(10, parameters.GetProperty("maxConsecutiveFailures").GetProperty("defaultValue").GetInt32());
        Assert.Equal("[string(parameters('pollingConcurrency'))]", settings["Patchbay__PollingConcurrency"]);
        Assert.Equal("[string(parameters('maxRequestBytes'))]", settings["Patchbay__MaxRequestBytes"]);
        Assert.Equal("[string(parameters('maxConsecutiveFailures'))]", settings["Patchbay__MaxConsecutiveFailures"]);
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
    public void LocalSample_IsACustomHandlerOnAzurite_WithADevOnlyKeyInTheDocumentedFormat()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(BicepCli.RepoPath("local.settings.sample.json")));
        var values = sample.RootElement.GetProperty("Values");

        Assert.False(sample.RootElement.GetProperty("IsEncrypted").GetBoolean());
        Assert.Equal("custom", values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
        Assert.Equal("UseDevelopmentStorage=true", values.GetProperty("AzureWebJobsStorage").GetString());
        var key = values.GetProperty("Patchbay__EncryptionKeys").GetString()!.Split(':');
        Assert.Equal("devonly", key[0]);
        Assert.Equal(32, Convert.FromBase64String(key[1]).Length);
    }
}
