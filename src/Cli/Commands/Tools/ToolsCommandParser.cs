namespace Patchbay.Cli.Commands.Tools;

/// <summary>Wires <see cref="ToolsCommandDefinition"/> to <see cref="ToolsCommand"/>.</summary>
internal static class ToolsCommandParser
{
    public static ToolsCommandDefinition Create(CliConsole console)
    {
        var definition = new ToolsCommandDefinition();
        definition.SetAction((parseResult, cancellationToken) => PatchbayCli.GuardAsync(console, () =>
            new ToolsCommand(
                parseResult.GetValue(definition.PathsArgument) ?? [],
                parseResult.GetValue(definition.FormatOption) ?? "openai",
                parseResult.GetValue(definition.TagsOption),
                console).ExecuteAsync(cancellationToken)));
        return definition;
    }
}
