namespace Patchbay.Cli.Commands.Run;

/// <summary>Wires <see cref="RunCommandDefinition"/> to <see cref="RunCommand"/>.</summary>
internal static class RunCommandParser
{
    public static RunCommandDefinition Create(CliConsole console)
    {
        var definition = new RunCommandDefinition();
        definition.SetAction((parseResult, cancellationToken) => PatchbayCli.GuardAsync(console, () =>
            new RunCommand(
                parseResult.GetValue(definition.Invocation.PathArgument)!,
                parseResult.GetValue(definition.ActionArgument)!,
                parseResult.GetValue(definition.Invocation.InputsOption),
                parseResult.GetValue(definition.Invocation.AuthOption),
                parseResult.GetValue(definition.Invocation.AllowPrivateNetworksOption),
                parseResult.GetValue(definition.Invocation.AssemblyOption),
                console).ExecuteAsync(cancellationToken)));
        return definition;
    }
}
