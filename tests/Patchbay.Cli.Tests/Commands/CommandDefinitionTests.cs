using System.CommandLine;

namespace Patchbay.Cli.Tests.Commands;

public sealed class CommandDefinitionTests
{
    private static readonly RootCommand s_root = PatchbayCli.CreateRootCommand(new CliConsole(TextWriter.Null, TextWriter.Null, Path.GetTempPath()));

    [Theory]
    [InlineData("new", new[] { "name" }, new[] { "--auth", "--output" })]
    [InlineData("validate", new[] { "path" }, new[] { "--json" })]
    [InlineData("run", new[] { "path", "action" }, new[] { "--inputs", "--auth", "--allow-private-networks", "--assembly" })]
    [InlineData("poll", new[] { "path", "trigger" }, new[] { "--inputs", "--auth", "--last-poll-ts", "--allow-private-networks", "--assembly" })]
    [InlineData("tools", new[] { "path" }, new[] { "--format", "--tags" })]
    public void Command_HasItsArgumentsAndOptions(string name, string[] arguments, string[] options)
    {
        Command command = Assert.Single(s_root.Subcommands, c => c.Name == name);

        Assert.Equal(arguments, command.Arguments.Select(a => a.Name));
        Assert.Equal(options.Order(), command.Options.Select(o => o.Name).Order());
        Assert.False(string.IsNullOrWhiteSpace(command.Description));
    }

    [Fact]
    public void Root_HasExactlyTheFiveCommands()
    {
        Assert.Equal(["new", "poll", "run", "tools", "validate"], s_root.Subcommands.Select(c => c.Name).Order());
    }

    [Fact]
    public async Task UnknownOption_IsAUsageError_WithExitCode2()
    {
        CliRun run = await CliRunner.RunAsync(Path.GetTempPath(), "run", "folder", "action", "--nope");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--nope", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingArgument_IsAUsageError()
    {
        CliRun run = await CliRunner.RunAsync(Path.GetTempPath(), "run");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("poll")]
    public async Task Issue11Item15_NoArguments_PrintsTheErrorOnce(string command)
    {
        CliRun run = await CliRunner.RunAsync(Path.GetTempPath(), command);

        Assert.Equal(2, run.ExitCode);
        string[] lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal([$"error: Required argument missing for command: '{command}'.", $"Run 'patchbay {command} --help' for usage."], lines);
    }

    [Fact]
    public async Task Help_ListsTheCommands_AndSucceeds()
    {
        CliRun run = await CliRunner.RunAsync(Path.GetTempPath(), "--help");

        Assert.Equal(0, run.ExitCode);
        foreach (string name in (string[])["new", "validate", "run", "poll", "tools"]) Assert.Contains(name, run.Out, StringComparison.Ordinal);
    }
}
