using System.Text.Json;
using System.Text.Json.Nodes;
using Patchbay.Cli.Invocation;
using Patchbay.Sdk;

namespace Patchbay.Cli.Commands.Poll;

/// <summary>Polls one trigger once through a real <see cref="Patchbay.Sdk.Fetch.FetchClient"/> and prints <c>[{"id","data"}]</c>.</summary>
internal sealed class PollCommand(string path, string trigger, string? inputs, string? auth, DateTimeOffset? lastPollTs, bool allowPrivateNetworks, string? assembly, CliConsole console)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var session = InvocationSession.Create(inputs, auth, console);
        return await session.GuardAsync(async () =>
        {
            Connector connector = await session.LoadAsync(path, assembly, cancellationToken);
            ConnectorContext context = session.CreateContext(connector, allowPrivateNetworks);
            IReadOnlyList<PollRecord> records = await connector.ExecutePollingTriggerAsync(trigger, session.Inputs, lastPollTs, context, cancellationToken);
            var array = new JsonArray();
            foreach (PollRecord record in records)
            {
                array.Add(new JsonObject
                {
                    ["id"] = JsonSerializer.SerializeToNode(record.Id),
                    ["data"] = JsonSerializer.SerializeToNode(record.Data),
                });
            }

            await session.WriteOutAsync(array.ToJsonString(InvocationSession.IndentedOptions));
            return ExitCodes.Success;
        });
    }
}
