namespace Patchbay.Cli.Commands.Validate;

/// <summary>Wires <see cref="ValidateCommandDefinition"/> to <see cref="ValidateCommand"/>.</summary>
internal static class ValidateCommandParser
{
    public static ValidateCommandDefinition Create(CliConsole console)
    {
        var definition = new ValidateCommandDefinition();
        definition.SetAction((parseResult, cancellationToken) => PatchbayCli.GuardAsync(console, () =>
            new ValidateCommand(
                parseResult.GetValue(definition.PathsArgument) ?? [],
                parseResult.GetValue(definition.JsonOption),
                console).ExecuteAsync(cancellationToken)));
        return definition;
    }
}
