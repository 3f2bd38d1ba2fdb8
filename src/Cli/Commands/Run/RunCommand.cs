using Patchbay.Cli.Invocation;
using Patchbay.Sdk;

namespace Patchbay.Cli.Commands.Run;

/// <summary>
/// Runs one action through a real <see cref="Patchbay.Sdk.Fetch.FetchClient"/> and prints the
/// <see cref="IntegrationResult"/>, indented. Exit code 1 for an error result, as for a failure.
/// </summary>
internal sealed class RunCommand(string path, string action, string? inputs, string? auth, bool allowPrivateNetworks, string? assembly, CliConsole console)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var session = InvocationSession.Create(inputs, auth, console);
        return await session.GuardAsync(async () =>
        {
            Connector connector = await session.LoadAsync(path, assembly, cancellationToken);
            ConnectorContext context = session.CreateContext(connector, allowPrivateNetworks);
            IntegrationResult result = await connector.ExecuteActionAsync(action, session.Inputs, context, cancellationToken);
            await session.WriteOutAsync(InvocationSession.Indent(result.ToJson()));
            return result.Type == ResultTypes.Error ? ExitCodes.Failure : ExitCodes.Success;
        });
    }
}
