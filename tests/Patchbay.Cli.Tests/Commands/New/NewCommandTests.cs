using System.Text.Json;
using Patchbay.Cli.Commands.New;

namespace Patchbay.Cli.Tests.Commands.New;

public sealed class NewCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("none")]
    [InlineData("custom")]
    [InlineData("platform")]
    public async Task New_WritesAConnectorThatValidates(string auth)
    {
        CliRun run = await CliRunner.RunAsync(_temp.Path, "new", "acme-notes", "--auth", auth, "--output", ".");

        Assert.True(run.ExitCode == 0, run.All);
        string connector = _temp.Combine("src", "Connectors", "acme-notes");
        string tests = _temp.Combine("tests", "Connectors", "acme-notes");
        foreach (string file in (string[])["Patchbay.Connectors.AcmeNotes.csproj", "config.json", "GetItem.cs", "AcmeNotesApi.cs", "README.md"])
        {
            Assert.True(File.Exists(Path.Combine(connector, file)), file);
        }

        Assert.True(File.Exists(Path.Combine(tests, "Patchbay.Connectors.AcmeNotes.Tests.csproj")));
        Assert.True(File.Exists(Path.Combine(tests, "GetItemTests.cs")));
        Assert.Contains("<RootNamespace>Patchbay.Connectors.AcmeNotes</RootNamespace>", File.ReadAllText(Path.Combine(connector, "Patchbay.Connectors.AcmeNotes.csproj")), StringComparison.Ordinal);
        Assert.Contains("ProjectReference Include=\"../../../src/Connectors/acme-notes/Patchbay.Connectors.AcmeNotes.csproj\"", File.ReadAllText(Path.Combine(tests, "Patchbay.Connectors.AcmeNotes.Tests.csproj")), StringComparison.Ordinal);

        using JsonDocument config = JsonDocument.Parse(File.ReadAllText(Path.Combine(connector, "config.json")));
        bool hasAuth = config.RootElement.TryGetProperty("auth", out JsonElement authBlock);
        Assert.Equal(auth != "none", hasAuth);
        if (hasAuth) Assert.Equal(auth, authBlock.GetProperty("type").GetString());
        Assert.Contains("curl -X POST http://localhost:7071/api/connectors/acme-notes/actions/get_item", File.ReadAllText(Path.Combine(connector, "README.md")), StringComparison.Ordinal);
        Assert.Contains("No Patchbay.slnx", run.Out, StringComparison.Ordinal);

        CliRun validate = await CliRunner.RunAsync(_temp.Path, "validate", "src/Connectors/acme-notes");
        Assert.True(validate.ExitCode == 0, validate.All);
        Assert.Equal("1 connector checked: no problems", validate.Out.Trim());
    }

    [Theory]
    [InlineData("MyConnector")]
    [InlineData("my_connector")]
    [InlineData("my--connector")]
    [InlineData("1password")]
    [InlineData("-x")]
    public async Task New_BadName_IsOneLineUsageError(string name)
    {
        CliRun run = await CliRunner.RunAsync(_temp.Path, "new", name, "--output", ".");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("lowercase", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_temp.Combine("src")));
    }

    [Fact]
    public async Task New_BadAuth_IsAUsageError()
    {
        CliRun run = await CliRunner.RunAsync(_temp.Path, "new", "x-y", "--auth", "basic", "--output", ".");

        Assert.Equal(2, run.ExitCode);
    }

    [Fact]
    public async Task New_RefusesToOverwrite()
    {
        _temp.Write("tests/Connectors/taken/keep.txt", "mine");

        CliRun run = await CliRunner.RunAsync(_temp.Path, "new", "taken", "--output", ".");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: tests/Connectors/taken already exists; pick another name or delete it first", run.Error.Trim());
        Assert.False(Directory.Exists(_temp.Combine("src", "Connectors", "taken")));
        Assert.Equal("mine", File.ReadAllText(_temp.Combine("tests", "Connectors", "taken", "keep.txt")));
    }

    [Fact]
    public async Task New_OutsideTheRepository_AsksForOutput()
    {
        CliRun run = await CliRunner.RunAsync(_temp.Path, "new", "lost");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--output", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("github", "Github")]
    [InlineData("google-big-query", "GoogleBigQuery")]
    [InlineData("s3-v2", "S3V2")]
    public void PascalName_JoinsTheParts(string name, string pascal) => Assert.Equal(pascal, NewCommand.ToPascal(name));
}
