namespace Patchbay.Infra.Tests;

/// <summary>
/// Compiles infra/main.bicep once for every test that reads the ARM JSON (bicep takes seconds a run,
/// and the machine running CI is small).
/// </summary>
public sealed class CompiledInfra : IAsyncLifetime
{
    private readonly string _outputDirectory = Directory.CreateTempSubdirectory("patchbay-infra-").FullName;

    /// <summary>What <c>bicep build</c> printed.</summary>
    public BicepResult Build { get; private set; }

    /// <summary>The compiled template; throws when the build failed, so the build test shows why.</summary>
    public ArmTemplate Template => _template ?? throw new InvalidOperationException($"bicep build failed:\n{Build.Output}");

    private ArmTemplate? _template;

    public async Task InitializeAsync()
    {
        var outFile = Path.Combine(_outputDirectory, "main.json");
        Build = await BicepCli.RunAsync(["build", "infra/main.bicep", "--outfile", outFile]);
        if (Build.ExitCode == 0)
        {
            _template = ArmTemplate.Parse(await File.ReadAllTextAsync(outFile));
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_outputDirectory, recursive: true);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class InfraCollection : ICollectionFixture<CompiledInfra>
{
    public const string Name = "infra";
}
