using System.Net;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Patchbay.Platform.Tests.Mcp;

/// <summary>The MCP endpoint through the MCP C# SDK's own client, over real HTTP against the app and Azurite.</summary>
[Collection(PatchbayAppCollection.Name)]
public sealed class McpServerTests(PatchbayApp app)
{
    private async Task<string> ConnectAsync(string entity)
    {
        HttpResponseMessage response = await app.Client.PostAsync("/api/connections",
            Http.Json(new { connector = "upstream-test", entity_id = entity, credentials = new { api_key = "good-key-123" } }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }

    private async Task<McpClient> ClientAsync(string query, string? key = PatchbayApp.ApiKey)
    {
        var options = new HttpClientTransportOptions
        {
            Endpoint = new Uri(app.Client.BaseAddress!, "/api/mcp" + query),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = key is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["x-functions-key"] = key },
        };
        return await McpClient.CreateAsync(new HttpClientTransport(options));
    }

    [Fact]
    public async Task ToolsList_HasTheEntitysConnectedActions_AndNoAuthConnectors_WithAnnotations()
    {
        string entity = "mcp-" + Guid.NewGuid().ToString("N");
        await ConnectAsync(entity);
        await using McpClient client = await ClientAsync($"?entity_id={entity}");
        Assert.Equal("patchbay", client.ServerInfo!.Name);

        IList<McpClientTool> tools = await client.ListToolsAsync();
        McpClientTool getThing = Assert.Single(tools, t => t.Name == "upstream_test_get_thing");
        Assert.Contains(tools, t => t.Name == "rss_fetch_feed");
        Assert.DoesNotContain(tools, t => t.Name.StartsWith("github_", StringComparison.Ordinal));
        Assert.Equal("object", getThing.JsonSchema.GetProperty("type").GetString());
        Assert.True(getThing.ProtocolTool.Annotations!.ReadOnlyHint);

        IList<McpClientTool> filtered = await (await ClientAsync($"?entity_id={entity}&connectors=upstream-test&tags=write")).ListToolsAsync();
        Assert.Empty(filtered);
    }

    [Fact]
    public async Task ToolsCall_RunsTheActionThroughTheConnection_AndAnswersStructuredContent()
    {
        string entity = "mcp-" + Guid.NewGuid().ToString("N");
        await ConnectAsync(entity);
        await using McpClient client = await ClientAsync($"?entity_id={entity}");
        CallToolResult result = await client.CallToolAsync("upstream_test_get_thing",
            new Dictionary<string, object?> { ["base_url"] = app.Upstream.BaseAddress.ToString(), ["path"] = "/things" });

        Assert.NotEqual(true, result.IsError);
        Assert.Equal(200, result.StructuredContent!.Value.GetProperty("status").GetInt32());
        Assert.Contains("\"status\":200", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text, StringComparison.Ordinal);
        Assert.Contains(app.Upstream.Requests, r => r.PathAndQuery.StartsWith("/things", StringComparison.Ordinal) && r.Headers["X-Api-Key"] == "good-key-123");
    }

    [Fact]
    public async Task AnActionThatFails_IsAToolResultWithIsError_NotAProtocolError()
    {
        string entity = "mcp-" + Guid.NewGuid().ToString("N");
        await ConnectAsync(entity);
        await using McpClient client = await ClientAsync($"?entity_id={entity}");

        CallToolResult invalid = await client.CallToolAsync("upstream_test_get_thing", new Dictionary<string, object?> { ["base_url"] = 5, ["path"] = "no-slash" });
        Assert.True(invalid.IsError);
        string text = Assert.IsType<TextContentBlock>(Assert.Single(invalid.Content)).Text;
        Assert.Contains("/inputs/path", text, StringComparison.Ordinal);

        CallToolResult upstreamDown = await client.CallToolAsync("upstream_test_get_thing",
            new Dictionary<string, object?> { ["base_url"] = app.Upstream.BaseAddress.ToString(), ["path"] = "/fail" });
        Assert.True(upstreamDown.IsError);

        await Assert.ThrowsAsync<McpProtocolException>(() => client.CallToolAsync("no_such_tool").AsTask());
    }

    [Fact]
    public async Task TheKeyIsCheckedLikeEveryRoute()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => ClientAsync("?entity_id=x", key: null));
        using var anonymous = app.CreateAnonymousClient();
        HttpResponseMessage response = await anonymous.PostAsync("/api/mcp", Http.Json(new { jsonrpc = "2.0", id = 1, method = "tools/list" }));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AThirdPartyClient_TheMcpInspectorCli_ListsAndCallsTools()
    {
        string entity = "mcp-" + Guid.NewGuid().ToString("N");
        await ConnectAsync(entity);
        string url = new Uri(app.Client.BaseAddress!, $"/api/mcp?entity_id={entity}").ToString();

        JsonElement list = await InspectorAsync(url, "--method", "tools/list");
        Assert.Contains(list.GetProperty("tools").EnumerateArray(), t => t.GetProperty("name").GetString() == "upstream_test_get_thing");

        JsonElement call = await InspectorAsync(url, "--method", "tools/call", "--tool-name", "upstream_test_get_thing",
            "--tool-arg", $"base_url={app.Upstream.BaseAddress}", "path=/things");
        Assert.Equal(200, call.GetProperty("structuredContent").GetProperty("status").GetInt32());
    }

    // node_modules/.bin/mcp-inspector-cli comes from package.json (npm ci in ./test.sh), pinned like Azurite.
    private static async Task<JsonElement> InspectorAsync(string url, params string[] arguments)
    {
        string inspector = Path.Combine(Patchbay.Testing.AzuriteFixture.FindRepoRoot(), "node_modules", ".bin", "mcp-inspector-cli");
        Assert.True(File.Exists(inspector), $"{inspector} is missing: run npm ci in the repository root (./test.sh does).");
        // Inspector CLI 1.0.3 finds its own package.json relative to the working directory (a bug of the standalone
        // package), so it runs from its build folder. v2 (@modelcontextprotocol/inspector) cannot be pinned here: its
        // lock needs an optional package the npm mirror does not serve, so `npm ci` refuses it.
        var start = new System.Diagnostics.ProcessStartInfo(inspector)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.Combine(Patchbay.Testing.AzuriteFixture.FindRepoRoot(), "node_modules", "@modelcontextprotocol", "inspector-cli", "build"),
        };
        foreach (string argument in new[] { "--cli", url, "--transport", "http", "--header", $"x-functions-key: {PatchbayApp.ApiKey}" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        string output = await stdout;
        Assert.True(process.ExitCode == 0, $"mcp-inspector exited {process.ExitCode}: {output}\n{await stderr}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }
}
