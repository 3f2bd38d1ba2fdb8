using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Patchbay.Sdk.Tests.Tools;

public class ToolSchemasTests
{
    private static ConnectorManifest Make(string name, params (string Action, string[] Tags)[] actions)
    {
        var actionsNode = new JsonObject();
        foreach ((string action, string[] tags) in actions)
        {
            actionsNode[action] = new JsonObject
            {
                ["description"] = $"Does {action}",
                ["tags"] = new JsonArray([.. tags.Select(t => (JsonNode)t)]),
                ["input_schema"] = new JsonObject { ["properties"] = new JsonObject { ["q"] = new JsonObject { ["type"] = "string" } } },
                ["output_schema"] = new JsonObject { ["type"] = "object" },
            };
        }

        var root = new JsonObject { ["name"] = name, ["version"] = "1.0.0", ["description"] = "d", ["actions"] = actionsNode };
        return ConnectorManifest.Parse(root.ToJsonString());
    }

    [Theory]
    [InlineData(ToolFormat.OpenAI, "^[a-zA-Z0-9_-]{1,64}$")]
    [InlineData(ToolFormat.Anthropic, "^[a-zA-Z0-9_-]{1,64}$")]
    [InlineData(ToolFormat.Mcp, "^[a-zA-Z0-9_-]{1,128}$")]
    public void Create_NamesAreValidAndUniqueForEachFormat(ToolFormat format, string pattern)
    {
        string longAction = "a_" + new string('x', 150);
        ConnectorManifest[] manifests =
        [
            Make("github", ("create_issue", ["write"]), ("list.issues", ["read"]), (longAction, []), (longAction + "y", [])),
            Make("git-hub", ("create_issue", ["write"])),
            Make("Google BigQuery", ("run query", ["read"])),
        ];

        IReadOnlyList<ToolDefinition> tools = ToolSchemas.Create(manifests, format);

        Assert.Equal(6, tools.Count);
        Assert.All(tools, t => Assert.Matches(pattern, t.Name));
        Assert.Equal(tools.Count, tools.Select(t => t.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains(tools, t => t.Name == "github_create_issue" && t.Connector == "github" && t.Action == "create_issue");
        Assert.Contains(tools, t => t.Name == "google_bigquery_run_query");
    }

    [Fact]
    public void Create_FormatsHaveTheirOwnShapes()
    {
        ConnectorManifest[] manifests = [Make("github", ("create_issue", ["write"]))];

        JsonObject openai = ToolSchemas.Create(manifests, ToolFormat.OpenAI)[0].Definition;
        Assert.Equal("function", (string?)openai["type"]);
        Assert.Equal("github_create_issue", (string?)openai["function"]!["name"]);
        Assert.Equal("object", (string?)openai["function"]!["parameters"]!["type"]);

        JsonObject anthropic = ToolSchemas.Create(manifests, ToolFormat.Anthropic)[0].Definition;
        Assert.Equal("Does create_issue", (string?)anthropic["description"]);
        Assert.NotNull(anthropic["input_schema"]!["properties"]!["q"]);

        JsonObject mcp = ToolSchemas.Create(manifests, ToolFormat.Mcp)[0].Definition;
        Assert.NotNull(mcp["inputSchema"]);
        Assert.Equal("github: create_issue", (string?)mcp["title"]);
    }

    [Fact]
    public void Create_FiltersByConnectorAndTag()
    {
        ConnectorManifest[] manifests = [Make("github", ("create_issue", ["write"]), ("list_issues", ["read"])), Make("slack", ("post_message", ["write"]))];

        Assert.Equal(["github_list_issues"], ToolSchemas.Create(manifests, ToolFormat.OpenAI, tags: ["read"]).Select(t => t.Name));
        Assert.Equal(["slack_post_message"], ToolSchemas.Create(manifests, ToolFormat.OpenAI, connectors: ["slack"]).Select(t => t.Name));
        Assert.Equal(["github_create_issue", "slack_post_message"], ToolSchemas.Create(manifests, ToolFormat.OpenAI, tags: ["WRITE"]).Select(t => t.Name));
    }

    [Fact]
    public void ToJson_IsAnArrayThatParses()
    {
        string json = ToolSchemas.ToJson(ToolSchemas.Create([Make("github", ("create_issue", []))], ToolFormat.Anthropic));
        Assert.Single(JsonNode.Parse(json)!.AsArray());
        Assert.Matches(new Regex("github_create_issue"), json);
    }
}
