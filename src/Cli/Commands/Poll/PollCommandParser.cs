namespace Patchbay.Cli.Commands.Poll;

/// <summary>Wires <see cref="PollCommandDefinition"/> to <see cref="PollCommand"/>.</summary>
internal static class PollCommandParser
{
    public static PollCommandDefinition Create(CliConsole console)
    {
        var definition = new PollCommandDefinition();
        definition.SetAction((parseResult, cancellationToken) => PatchbayCli.GuardAsync(console, () =>
            new PollCommand(
                parseResult.GetValue(definition.Invocation.PathArgument)!,
                parseResult.GetValue(definition.TriggerArgument)!,
                parseResult.GetValue(definition.Invocation.InputsOption),
                parseResult.GetValue(definition.Invocation.AuthOption),
                parseResult.GetValue(definition.LastPollTsOption),
                parseResult.GetValue(definition.Invocation.AllowPrivateNetworksOption),
                parseResult.GetValue(definition.Invocation.AssemblyOption),
                console).ExecuteAsync(cancellationToken)));
        return definition;
    }
}
