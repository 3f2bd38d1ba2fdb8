using System.Text.Json;
using Patchbay.Sdk;

namespace Patchbay.Client;

public partial class PatchbayClient
{
    /// <summary>Actions as tool definitions in the JSON an LLM SDK takes (OpenAI, Anthropic or MCP), filtered by connectors and tags.</summary>
    /// <exception cref="PatchbayException">404 for an unknown connector.</exception>
    public virtual async Task<IReadOnlyList<JsonElement>> GetToolsAsync(ToolFormat format, IEnumerable<string>? connectors = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default)
    {
        string name = format switch
        {
            ToolFormat.OpenAI => "openai",
            ToolFormat.Anthropic => "anthropic",
            ToolFormat.Mcp => "mcp",
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Use OpenAI, Anthropic or Mcp."),
        };
        JsonElement answer = await SendAsync(HttpMethod.Get, Query("api/tools", ("format", name), ("connectors", Join(connectors)), ("tags", Join(tags))), null, cancellationToken)
            .ConfigureAwait(false);
        return [.. answer.EnumerateArray()];
    }

    /// <summary>
    /// The actions of an entity's ACTIVE connections as <see cref="Microsoft.Extensions.AI.AIFunction"/>s that run
    /// through those connections. Names are the tool names <c>GET /api/tools</c> gives (<c>github_create_issue</c>).
    /// When the entity has several active connections to one connector, the newest is used.
    /// </summary>
    /// <param name="entityId">Whose connections; <see langword="null"/> with <paramref name="connectionIds"/>.</param>
    /// <param name="connectionIds">Exactly these connections instead of an entity's (each must be ACTIVE).</param>
    /// <param name="tags">Only actions with one of these tags; all when empty.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <exception cref="PatchbayException">A named connection is missing or not ACTIVE.</exception>
    public virtual async Task<IReadOnlyList<ConnectionFunction>> GetAIFunctionsAsync(string? entityId = null, IEnumerable<string>? connectionIds = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default)
    {
        var connections = new List<PatchbayConnection>();
        if (connectionIds is not null)
        {
            foreach (string id in connectionIds)
            {
                PatchbayConnection connection = await GetConnectionAsync(id, cancellationToken).ConfigureAwait(false);
                if (!connection.IsActive) throw new PatchbayException($"Connection {id} is {connection.Status} ({connection.StatusReason}); only ACTIVE connections can run actions.");
                connections.Add(connection);
            }
        }
        else
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(entityId);
            connections.AddRange((await ListConnectionsAsync(entityId, cancellationToken).ConfigureAwait(false))
                .Where(c => c.IsActive)
                .GroupBy(c => c.Connector, StringComparer.Ordinal)
                .Select(g => g.OrderByDescending(c => c.CreatedAt).First()));
        }

        var byConnector = connections.ToDictionary(c => c.Connector, StringComparer.Ordinal);
        var manifests = new List<ConnectorManifest>();
        foreach (string connector in byConnector.Keys)
        {
            manifests.Add((await GetConnectorAsync(connector, cancellationToken).ConfigureAwait(false)).Manifest);
        }

        string[] tagList = tags?.ToArray() ?? [];
        return [.. ToolSchemas.Create(manifests, ToolFormat.OpenAI, null, tagList).Select(tool => new ConnectionFunction(this, tool, byConnector[tool.Connector]))];
    }

    private static string? Join(IEnumerable<string>? values) => values is null ? null : string.Join(',', values) is { Length: > 0 } joined ? joined : null;
}
