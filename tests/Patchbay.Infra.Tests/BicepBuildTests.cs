using System.Security.Cryptography;
using System.Text.Json;

namespace Patchbay.Infra.Tests;

[Collection(InfraCollection.Name)]
public class BicepBuildTests(CompiledInfra infra)
{
    // A fresh throwaway key in the documented format, so no real key ever sits in the tests.
    private static readonly string ThrowawayKey = $"test:{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}";

    [Fact]
    public void Build_MainTemplate_SucceedsWithoutWarningsOrErrors() =>
        Assert.True(infra.Build.IsClean, $"bicep build printed:\n{infra.Build.Output}");

    [Fact]
    public async Task BuildParams_WithTheKeyInTheEnvironment_SucceedsWithoutWarningsOrErrors()
    {
        using var output = new TempFile();
        var result = await BicepCli.RunAsync(
            ["build-params", "infra/main.bicepparam", "--outfile", output.Path],
            new Dictionary<string, string?> { ["PATCHBAY_ENCRYPTION_KEY"] = ThrowawayKey });

        Assert.True(result.IsClean, $"bicep build-params printed:\n{result.Output}");
        using var parameters = JsonDocument.Parse(await File.ReadAllTextAsync(output.Path));
        var values = parameters.RootElement.GetProperty("parameters");
        Assert.Equal(100, values.GetProperty("maximumInstanceCount").GetProperty("value").GetInt32());
        Assert.Equal("patchbay", values.GetProperty("namePrefix").GetProperty("value").GetString());
    }

    [Fact]
    public async Task BuildParams_WithTheKeyAsACommandLineOverride_Succeeds()
    {
        // az deployment group create --parameters infra/main.bicepparam --parameters encryptionKey=...
        // hands the override to bicep in this variable; the README documents that command.
        using var output = new TempFile();
        var overrides = JsonSerializer.Serialize(new Dictionary<string, string> { ["encryptionKey"] = ThrowawayKey });
        var result = await BicepCli.RunAsync(
            ["build-params", "infra/main.bicepparam", "--outfile", output.Path],
            new Dictionary<string, string?> { ["BICEP_PARAMETERS_OVERRIDES"] = overrides });

        Assert.True(result.IsClean, $"bicep build-params printed:\n{result.Output}");
    }

    [Fact]
    public async Task BuildParams_WithoutAKey_FailsBeforeAnythingIsDeployed()
    {
        using var output = new TempFile();
        var result = await BicepCli.RunAsync(["build-params", "infra/main.bicepparam", "--outfile", output.Path]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("PATCHBAY_ENCRYPTION_KEY", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildParams_WithAKeyTooShortToHold32Bytes_Fails()
    {
        using var output = new TempFile();
        var result = await BicepCli.RunAsync(
            ["build-params", "infra/main.bicepparam", "--outfile", output.Path],
            new Dictionary<string, string?> { ["PATCHBAY_ENCRYPTION_KEY"] = "k1:tooshort" });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("minimum allowable length", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lint_EveryBicepFile_ReportsNothing()
    {
        var files = Directory.GetFiles(BicepCli.RepoPath("infra"), "*.bicep", SearchOption.AllDirectories);
        Assert.Contains(files, file => file.EndsWith("main.bicep", StringComparison.Ordinal));
        Assert.True(files.Length > 1, "Expected main.bicep and its modules.");

        var result = await BicepCli.RunAsync(["lint", "--pattern", "infra/**/*.bicep"]);

        Assert.True(result.ExitCode == 0 && string.IsNullOrWhiteSpace(result.Output), $"bicep lint printed:\n{result.Output}");
    }

    [Fact]
    public async Task Lint_UsesTheRepositoryConfig_SoAnUnusedParameterIsReported()
    {
        // Proves the lint test above means something: the same config flags a deliberately bad file.
        var directory = Directory.CreateTempSubdirectory("patchbay-lint-");
        try
        {
            File.Copy(BicepCli.RepoPath("infra/bicepconfig.json"), Path.Combine(directory.FullName, "bicepconfig.json"));
            var bad = Path.Combine(directory.FullName, "bad.bicep");
            await File.WriteAllTextAsync(bad, "param unused string\n\noutput region string = 'westeurope'\n");

            var result = await BicepCli.RunAsync(["lint", bad]);

            Assert.Contains("no-unused-params", result.Output, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task BicepConfig_TurnsEveryCoreRuleOn_ButTheOnesThatDependOnTheDateOrARegistry()
    {
        // use-recent-api-versions compares against today's date (the build would turn red with no
        // change) and use-recent-module-versions asks a registry; everything else is warning or error.
        string[] offOnPurpose = ["use-recent-api-versions", "use-recent-module-versions"];
        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(BicepCli.RepoPath("infra/bicepconfig.json")));
        var core = config.RootElement.GetProperty("analyzers").GetProperty("core");
        Assert.True(core.GetProperty("enabled").GetBoolean());

        var rules = core.GetProperty("rules").EnumerateObject().ToArray();
        Assert.Contains(rules, rule => rule.Name == "outputs-should-not-contain-secrets");
        Assert.Contains(rules, rule => rule.Name == "secure-secrets-in-params");
        foreach (var rule in rules.Where(rule => !offOnPurpose.Contains(rule.Name)))
        {
            Assert.True(
                rule.Value.GetProperty("level").GetString() is "warning" or "error",
                $"Linter rule {rule.Name} must be warning or error.");
        }
    }

    private sealed class TempFile : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"patchbay-{Guid.NewGuid():N}.json");

        public void Dispose() => File.Delete(Path);
    }
}
