using System.Text.Json;
using System.Text.RegularExpressions;

namespace Patchbay.Cli.Tests.Commands.Tools;

public sealed partial class ToolsCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public ToolsCommandTests()
    {
        // A long, odd connector name and action names that need cleaning up for strict formats.
        _temp.Write("odd/config.json", """
            {
              "name": "Acme Cloud: Super Long Connector Name For Testing Tool Name Limits",
              "version": "1.0.0",
              "description": "Odd names",
              "actions": {
                "create.thing": { "description": "Creates a thing", "tags": ["write"], "input_schema": { "type": "object", "properties": { "title": { "type": "string" } } }, "output_schema": { "type": "object" } },
                "list_things_with_a_really_long_action_name_that_goes_on": { "description": "Lists things", "tags": ["read"], "input_schema": true, "output_schema": { "type": "object" } }
              }
            }
            """);
    }

    public void Dispose() => _temp.Dispose();

    private Task<CliRun> Tools(params string[] args) => CliRunner.RunAsync(_temp.Path, ["tools", .. args]);

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task StrictFormats_HaveValidUniqueNames(string format)
    {
        CliRun run = await Tools("odd", CliRunner.FixtureFolder, "--format", format);

        Assert.Equal(0, run.ExitCode);
        using JsonDocument json = JsonDocument.Parse(run.Out);
        string[] names = [.. json.RootElement.EnumerateArray().Select(t => format == "openai"
            ? t.GetProperty("function").GetProperty("name").GetString()!
            : t.GetProperty("name").GetString()!)];
        Assert.Equal(3, names.Length);
        Assert.All(names, n => Assert.Matches(StrictName(), n));
        Assert.Equal(names.Length, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains("items_fixture_get_item", names);
    }

    [Fact]
    public async Task OpenAi_HasFunctionShapeWithParameters()
    {
        CliRun run = await Tools(CliRunner.FixtureFolder, "--format", "openai");

        JsonElement tool = Assert.Single(JsonDocument.Parse(run.Out).RootElement.EnumerateArray());
        Assert.Equal("function", tool.GetProperty("type").GetString());
        Assert.Equal("object", tool.GetProperty("function").GetProperty("parameters").GetProperty("type").GetString());
        Assert.Equal("Gets one item by id from the server at base_url.", tool.GetProperty("function").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Mcp_HasInputSchemaAndTitle()
    {
        CliRun run = await Tools(Path.Combine(CliRunner.FixtureFolder, "config.json"), "--format", "mcp");

        Assert.Equal(0, run.ExitCode);
        JsonElement tool = Assert.Single(JsonDocument.Parse(run.Out).RootElement.EnumerateArray());
        Assert.Equal("items_fixture_get_item", tool.GetProperty("name").GetString());
        Assert.Equal("object", tool.GetProperty("inputSchema").GetProperty("type").GetString());
        Assert.Equal("Items fixture: Get item", tool.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Tags_FilterActions()
    {
        CliRun run = await Tools("odd", "--format", "anthropic", "--tags", "write, nothing");

        JsonElement tool = Assert.Single(JsonDocument.Parse(run.Out).RootElement.EnumerateArray());
        Assert.Equal("Creates a thing", tool.GetProperty("description").GetString());
    }

    [Fact]
    public async Task UnknownFormat_IsAUsageError()
    {
        CliRun run = await Tools("odd", "--format", "gemini");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("gemini", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidManifest_IsOneLineError()
    {
        _temp.Write("broken/config.json", "{ \"name\": \"broken\" }");

        CliRun run = await Tools("broken", "--format", "openai");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: broken/config.json: /version: is required: a semantic version such as \"1.0.0\" (run 'patchbay validate broken' for details)", run.Error.Trim());
        Assert.Empty(run.Out);
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex StrictName();
}
