using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Patchbay.Sdk;

namespace Patchbay.Client;

/// <summary>
/// One action of one connection as a Microsoft.Extensions.AI function: an <c>IChatClient</c> with function
/// invocation calls it, and it runs the action through the connection. An action that reports an error
/// returns <c>{"error": "…"}</c> to the model instead of throwing, so the model can react.
/// </summary>
public sealed class ConnectionFunction : AIFunction
{
    private readonly PatchbayClient _client;
    private readonly JsonElement _schema;

    internal ConnectionFunction(PatchbayClient client, ToolDefinition tool, PatchbayConnection connection)
    {
        _client = client;
        Tool = tool;
        Connection = connection;
        JsonObject function = (JsonObject)tool.Definition["function"]!;
        Name = tool.Name;
        Description = (string?)function["description"] ?? string.Empty;
        _schema = JsonSerializer.SerializeToElement(function["parameters"]);
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override string Description { get; }

    /// <inheritdoc />
    public override JsonElement JsonSchema => _schema;

    /// <summary>The connector, action and tool name this function runs.</summary>
    public ToolDefinition Tool { get; }

    /// <summary>The connection it runs through.</summary>
    public PatchbayConnection Connection { get; }

    /// <inheritdoc />
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var inputs = new JsonObject();
        foreach ((string name, object? value) in arguments)
        {
            inputs[name] = JsonNode.Parse(ClientJson.ToElement(value).GetRawText());
        }

        ActionRunResult result = await _client.ExecuteActionAsync(Tool.Connector, Tool.Action, inputs, Connection.Id, null, cancellationToken).ConfigureAwait(false);
        return result.IsError
            ? JsonSerializer.SerializeToElement(new { error = result.Error })
            : result.Data;
    }
}
