namespace Patchbay.Cli.Commands.New;

/// <summary>Wires <see cref="NewCommandDefinition"/> to <see cref="NewCommand"/>.</summary>
internal static class NewCommandParser
{
    public static NewCommandDefinition Create(CliConsole console)
    {
        var definition = new NewCommandDefinition();
        definition.SetAction((parseResult, cancellationToken) => PatchbayCli.GuardAsync(console, () =>
            new NewCommand(
                parseResult.GetValue(definition.NameArgument)!,
                parseResult.GetValue(definition.AuthOption) ?? NewCommand.AuthCustom,
                parseResult.GetValue(definition.OutputOption),
                console).ExecuteAsync(cancellationToken)));
        return definition;
    }
}
