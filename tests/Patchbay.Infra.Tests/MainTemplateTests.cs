using System.Text.Json;
using System.Text.RegularExpressions;

namespace Patchbay.Infra.Tests;

[Collection(InfraCollection.Name)]
public partial class MainTemplateTests(CompiledInfra infra)
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    private ArmTemplate Template => infra.Template;

    [Fact]
    public void RoleAssignments_GrantTheAppIdentityExactlyTheRolesItNeeds_OnTheResourceThatNeedsThem()
    {
        // Role id -> the resource type it must be scoped to (never the resource group).
        var expected = new Dictionary<string, string>
        {
            [StorageBlobDataOwner] = "Microsoft.Storage/storageAccounts",
            [StorageQueueDataContributor] = "Microsoft.Storage/storageAccounts",
            [StorageTableDataContributor] = "Microsoft.Storage/storageAccounts",
            [KeyVaultSecretsUser] = "Microsoft.KeyVault/vaults",
        };
        var identityName = Template.Module("identity").PassedParameter("name");
        var granted = new Dictionary<string, string>();

        foreach (var (module, assignment) in Template.ResourcesOfType("Microsoft.Authorization/roleAssignments"))
        {
            var properties = assignment.GetProperty("properties");
            var principal = properties.GetProperty("principalId").GetString()!;
            Assert.Matches(IdentityPrincipalId(), principal);
            Assert.Equal(identityName, module.PassedParameter("identityName"));
            Assert.Equal("ServicePrincipal", properties.GetProperty("principalType").GetString());

            var scope = assignment.GetProperty("scope").GetString()!;
            foreach (var roleId in RoleIds(module, properties.GetProperty("roleDefinitionId").GetString()!))
            {
                granted[roleId] = ScopeType().Match(scope).Groups["type"].Value;
            }
        }

        Assert.Equal(expected.OrderBy(pair => pair.Key), granted.OrderBy(pair => pair.Key));
    }

    [Fact]
    public void FunctionApp_RunsAsTheIdentityThatHoldsTheRoles()
    {
        var (module, site) = Template.FunctionApp;
        var identity = site.GetProperty("identity");
        Assert.Equal("UserAssigned", identity.GetProperty("type").GetString());
        var assigned = Assert.Single(identity.GetProperty("userAssignedIdentities").EnumerateObject());

        var identityModule = Template.Module("identity");
        var identityId = identityModule.Output("id");
        Assert.Equal(identityId, Template.Resolve(module, Unformat(assigned.Name)).Expression);
        Assert.Equal(identityId, Template.Resolve(module, site.GetProperty("properties").GetProperty("keyVaultReferenceIdentity").GetString()!).Expression);
        Assert.Equal(identityModule.Output("clientId"), Template.Resolve(module, Template.AppSettings()["AzureWebJobsStorage__clientId"]).Expression);
    }

    [Fact]
    public void Storage_AllowsNoSharedKeysNoPublicBlobsAndOnlyTls12OverHttps()
    {
        var (_, storage) = Template.OnlyResourceOfType("Microsoft.Storage/storageAccounts");
        var properties = storage.GetProperty("properties");

        Assert.False(properties.GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.False(properties.GetProperty("allowBlobPublicAccess").GetBoolean());
        Assert.Equal("TLS1_2", properties.GetProperty("minimumTlsVersion").GetString());
        Assert.True(properties.GetProperty("supportsHttpsTrafficOnly").GetBoolean());
    }

    [Fact]
    public void Storage_HasBlobQueueAndTableServicesAndAPrivateDeploymentContainer()
    {
        Template.OnlyResourceOfType("Microsoft.Storage/storageAccounts/blobServices");
        Template.OnlyResourceOfType("Microsoft.Storage/storageAccounts/queueServices");
        Template.OnlyResourceOfType("Microsoft.Storage/storageAccounts/tableServices");
        var (_, container) = Template.OnlyResourceOfType("Microsoft.Storage/storageAccounts/blobServices/containers");
        Assert.Equal("None", container.GetProperty("properties").GetProperty("publicAccess").GetString());
    }

    [Fact]
    public void FunctionApp_IsTheDotnet10IsolatedWorkerOnLinux_ReachableOnlyOverHttpsWithNoBasicAuthPublishing()
    {
        var (_, site) = Template.FunctionApp;
        var properties = site.GetProperty("properties");
        var siteConfig = properties.GetProperty("siteConfig");
        var settings = Template.AppSettings();

        Assert.Equal("functionapp,linux", site.GetProperty("kind").GetString());
        Assert.True(properties.GetProperty("reserved").GetBoolean());
        Assert.True(properties.GetProperty("httpsOnly").GetBoolean());
        Assert.Equal("Disabled", siteConfig.GetProperty("ftpsState").GetString());
        Assert.Equal("1.2", siteConfig.GetProperty("minTlsVersion").GetString());
        var runtime = properties.GetProperty("functionAppConfig").GetProperty("runtime");
        Assert.Equal("dotnet-isolated", runtime.GetProperty("name").GetString());
        Assert.Equal("10.0", runtime.GetProperty("version").GetString());
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", settings.Keys);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", settings.Keys);
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);

        var policies = Template.ResourcesOfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies")
            .Select(found => found.Resource)
            .ToDictionary(policy => PolicyName().Match(policy.GetProperty("name").GetString()!).Groups["policy"].Value,
                policy => policy.GetProperty("properties").GetProperty("allow").GetBoolean());
        Assert.Equal(new Dictionary<string, bool> { ["ftp"] = false, ["scm"] = false }, policies);
    }

    [Fact]
    public void FunctionApp_ReachesStorageByIdentity_OnTheStorageAccountsOwnEndpoints()
    {
        var (module, _) = Template.FunctionApp;
        var settings = Template.AppSettings();

        foreach (var service in new[] { "blob", "queue", "table" })
        {
            var (owner, expression) = Template.Resolve(module, settings[$"AzureWebJobsStorage__{service}ServiceUri"]);
            Assert.Equal("storage", owner?.Name);
            Assert.EndsWith($".primaryEndpoints.{service}]", expression, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
    }

    [Fact]
    public void Plan_IsLinuxFlexConsumption_AndTheAppScalesWithinTheParameters()
    {
        var (_, plan) = Template.OnlyResourceOfType("Microsoft.Web/serverfarms");
        Assert.Equal("FlexConsumption", plan.GetProperty("sku").GetProperty("tier").GetString());
        Assert.Equal("FC1", plan.GetProperty("sku").GetProperty("name").GetString());
        Assert.True(plan.GetProperty("properties").GetProperty("reserved").GetBoolean());

        var (module, site) = Template.FunctionApp;
        var scale = site.GetProperty("properties").GetProperty("functionAppConfig").GetProperty("scaleAndConcurrency");
        Assert.Equal("[parameters('maximumInstanceCount')]", Template.Resolve(module, scale.GetProperty("maximumInstanceCount").GetString()!).Expression);
        Assert.Equal("[parameters('instanceMemoryMB')]", Template.Resolve(module, scale.GetProperty("instanceMemoryMB").GetString()!).Expression);
        var parameters = Template.Root.GetProperty("parameters");
        Assert.Equal(100, parameters.GetProperty("maximumInstanceCount").GetProperty("defaultValue").GetInt32());
        Assert.Equal(2048, parameters.GetProperty("instanceMemoryMB").GetProperty("defaultValue").GetInt32());
        Assert.Equal([512, 2048, 4096], parameters.GetProperty("instanceMemoryMB").GetProperty("allowedValues").EnumerateArray().Select(value => value.GetInt32()));
    }

    [Fact]
    public void DeploymentPackage_IsReadFromTheDeploymentContainer_WithTheAppsIdentity_NoAccountKey()
    {
        var (module, site) = Template.FunctionApp;
        var storage = site.GetProperty("properties").GetProperty("functionAppConfig").GetProperty("deployment").GetProperty("storage");

        Assert.Equal("blobContainer", storage.GetProperty("type").GetString());
        var authentication = storage.GetProperty("authentication");
        Assert.Equal("UserAssignedIdentity", authentication.GetProperty("type").GetString());
        Assert.Equal(Template.Module("identity").Output("id"), Template.Resolve(module, authentication.GetProperty("userAssignedIdentityResourceId").GetString()!).Expression);
        Assert.False(authentication.TryGetProperty("storageAccountConnectionStringName", out _));
        string value = storage.GetProperty("value").GetString()!;
        Assert.Equal("[format('{0}{1}', parameters('blobServiceUri'), parameters('deploymentContainerName'))]", value);
        Assert.Equal("storage", Template.Resolve(module, "[parameters('deploymentContainerName')]").Module?.Name);
        Assert.EndsWith(".primaryEndpoints.blob]", Template.Resolve(module, "[parameters('blobServiceUri')]").Expression, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyVault_UsesRbacAndSoftDelete_WithPurgeProtectionFromAParameter()
    {
        var (module, vault) = Template.OnlyResourceOfType("Microsoft.KeyVault/vaults");
        var properties = vault.GetProperty("properties");

        Assert.True(properties.GetProperty("enableRbacAuthorization").GetBoolean());
        Assert.True(properties.GetProperty("enableSoftDelete").GetBoolean());
        Assert.Contains("parameters('enablePurgeProtection')", properties.GetProperty("enablePurgeProtection").GetString(), StringComparison.Ordinal);
        Assert.Equal("[parameters('enableKeyVaultPurgeProtection')]", module.PassedParameter("enablePurgeProtection"));
    }

    [Fact]
    public void EncryptionKey_IsASecureParameterWithNoDefault_StoredOnlyAsAKeyVaultSecret()
    {
        var parameter = Template.Root.GetProperty("parameters").GetProperty("encryptionKey");
        Assert.Equal("securestring", parameter.GetProperty("type").GetString());
        Assert.False(parameter.TryGetProperty("defaultValue", out _));

        var (module, secret) = Template.OnlyResourceOfType("Microsoft.KeyVault/vaults/secrets");
        Assert.Equal("keyvault", module.Name);
        Assert.Equal("[parameters('encryptionKey')]", secret.GetProperty("properties").GetProperty("value").GetString());
        Assert.Equal("[parameters('encryptionKey')]", module.PassedParameter("encryptionKey"));
        Assert.Equal("securestring", module.Template.GetProperty("parameters").GetProperty("encryptionKey").GetProperty("type").GetString());

        // The only other module that sees the parameter would be a leak.
        Assert.DoesNotContain(Template.Modules.Where(other => other.Name != "keyvault"),
            other => other.Template.GetProperty("parameters").TryGetProperty("encryptionKey", out _));
    }

    [Fact]
    public void EncryptionKeysSetting_IsAKeyVaultReferenceToTheVersionlessSecretUri()
    {
        var (module, _) = Template.FunctionApp;
        var value = Template.AppSettings()["Patchbay__EncryptionKeys"];

        var reference = KeyVaultReference().Match(value);
        Assert.True(reference.Success, $"Patchbay__EncryptionKeys is {value}");
        var (owner, secretUri) = Template.Resolve(module, $"[parameters('{reference.Groups["parameter"].Value}')]");
        Assert.Equal("keyvault", owner?.Name);
        Assert.Matches(@"^\[reference\(resourceId\('Microsoft\.KeyVault/vaults/secrets', .*\)\.secretUri\]$", secretUri);
    }

    [Fact]
    public void Outputs_AreTheAppUrlAndNames_AndNoneCarriesASecret()
    {
        var outputs = Template.Root.GetProperty("outputs").EnumerateObject().ToArray();
        Assert.Equal(["functionAppName", "functionAppUrl", "resourceNames"], outputs.Select(output => output.Name).Order(StringComparer.Ordinal));
        Assert.StartsWith("[format('https://{0}'", outputs.Single(output => output.Name == "functionAppUrl").Value.GetProperty("value").GetString(), StringComparison.Ordinal);

        foreach (var output in outputs)
        {
            Assert.DoesNotMatch(SecretLookingName(), output.Name);
            Assert.NotEqual("securestring", output.Value.GetProperty("type").GetString());
            foreach (var expression in Strings(output.Value.GetProperty("value")))
            {
                var (owner, resolved) = Template.Resolve(null, expression);
                Assert.DoesNotMatch(SecretExpression(), resolved);
                Assert.DoesNotContain(".secretUri", resolved, StringComparison.Ordinal);
                Assert.DoesNotContain("ConnectionString", resolved, StringComparison.OrdinalIgnoreCase);
                Assert.True(owner is null || !SecureParameters(owner.Template).Any(name => resolved.Contains($"parameters('{name}')", StringComparison.Ordinal)));
            }
        }

        // Module outputs show in the resource group's deployment history too.
        foreach (var module in Template.Modules)
        {
            foreach (var output in module.Template.GetProperty("outputs").EnumerateObject())
            {
                var value = output.Value.GetProperty("value").GetString()!;
                Assert.DoesNotMatch(SecretExpression(), value);
                Assert.DoesNotContain(SecureParameters(module.Template), name => value.Contains($"parameters('{name}')", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void Names_AreDerivedFromThePrefixAndTheResourceGroup_AndLocationDefaultsToIt()
    {
        var parameters = Template.Root.GetProperty("parameters");
        Assert.Equal("patchbay", parameters.GetProperty("namePrefix").GetProperty("defaultValue").GetString());
        Assert.Equal("[resourceGroup().location]", parameters.GetProperty("location").GetProperty("defaultValue").GetString());
        Assert.Equal("object", parameters.GetProperty("tags").GetProperty("type").GetString());
        Assert.Equal("[uniqueString(resourceGroup().id)]", Template.Root.GetProperty("variables").GetProperty("suffix").GetString());
        foreach (var module in Template.Modules)
        {
            foreach (var resource in module.Resources)
            {
                if (resource.TryGetProperty("location", out var location))
                {
                    Assert.Equal("[parameters('location')]", location.GetString());
                    Assert.Equal("[parameters('location')]", module.PassedParameter("location"));
                }
            }
        }
    }

    private static List<string> RoleIds(ArmModule module, string roleDefinitionId)
    {
        var ids = Guid().Matches(roleDefinitionId).Select(match => match.Value).ToList();
        foreach (Match variable in VariableReference().Matches(roleDefinitionId))
        {
            ids.AddRange(Guid().Matches(module.Variable(variable.Groups["name"].Value)).Select(match => match.Value));
        }

        Assert.NotEmpty(ids);
        return ids;
    }

    private static IEnumerable<string> SecureParameters(JsonElement template) =>
        template.GetProperty("parameters").EnumerateObject()
            .Where(parameter => parameter.Value.GetProperty("type").GetString() is "securestring" or "secureObject")
            .Select(parameter => parameter.Name);

    private static IEnumerable<string> Strings(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => [value.GetString()!],
        JsonValueKind.Object => value.EnumerateObject().SelectMany(property => Strings(property.Value)),
        JsonValueKind.Array => value.EnumerateArray().SelectMany(Strings),
        _ => [],
    };

    // Bicep writes the identity key '${identityId}' as [format('{0}', parameters('identityId'))].
    private static string Unformat(string expression) =>
        expression.Replace("[format('{0}', ", "[", StringComparison.Ordinal).Replace("))]", ")]", StringComparison.Ordinal);

    [GeneratedRegex(@"^\[reference\(resourceId\('Microsoft\.ManagedIdentity/userAssignedIdentities', parameters\('identityName'\)\), '[\d-]+'\)\.principalId\]$")]
    private static partial Regex IdentityPrincipalId();

    [GeneratedRegex(@"^\[(extensionResourceId\(|resourceId\()'(?<type>[\w./]+)'")]
    private static partial Regex ScopeType();

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Guid();

    [GeneratedRegex(@"variables\('(?<name>\w+)'\)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"'(?<policy>\w+)'\)\]$")]
    private static partial Regex PolicyName();

    [GeneratedRegex(@"^\[format\('@Microsoft\.KeyVault\(SecretUri=\{0\}\)', parameters\('(?<parameter>\w+)'\)\)\]$")]
    private static partial Regex KeyVaultReference();

    [GeneratedRegex("secret|key|password|token", RegexOptions.IgnoreCase)]
    private static partial Regex SecretLookingName();

    // listKeys, listSecrets, listCredentials...: the ARM functions that return secrets.
    [GeneratedRegex(@"\blist\w*\(", RegexOptions.IgnoreCase)]
    private static partial Regex SecretExpression();
}
