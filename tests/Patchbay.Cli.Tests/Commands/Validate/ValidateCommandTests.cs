using System.Text.Json;

namespace Patchbay.Cli.Tests.Commands.Validate;

public sealed class ValidateCommandTests : IDisposable
{
    private const string Config = """
        {
          "name": "my-connector",
          "version": "1.0.0",
          "description": "Lists items.",
          "auth": { "type": "custom", "fields": { "type": "object", "properties": { "api_key": { "type": "string" } }, "required": ["api_key"] } },
          "actions": {
            "list_items": {
              "description": "Lists items.",
              "tags": ["read"],
              "input_schema": { "type": "object", "properties": { "limit": { "type": "integer", "minimum": 1 } } },
              "output_schema": { "type": "object" }
            }
          },
          "polling_triggers": {
            "new_items": {
              "description": "New items.",
              "polling_interval": "5m",
              "input_schema": { "type": "object" },
              "output_schema": { "type": "object" }
            }
          }
        }
        """;

    private const string Handlers = """
        using System.Text.Json;
        using Patchbay.Sdk;

        namespace My;

        /// <example>[Action("documented_only")] in a doc comment does not count.</example>
        [Action("list_items")]
        public sealed class ListItems : ActionHandler { }

        // [Action("commented_out")]
        [PollingTrigger("new_items")]
        internal sealed partial class NewItems : PollingTriggerHandler { }
        """;

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Connector(string folder = "my-connector", string config = Config, string handlers = Handlers, bool readme = true, bool project = true)
    {
        _temp.Write($"{folder}/config.json", config);
        if (handlers.Length > 0) _temp.Write($"{folder}/Handlers.cs", handlers);
        if (readme) _temp.Write($"{folder}/README.md", "# My connector\n");
        if (project) _temp.Write($"{folder}/Patchbay.Connectors.MyConnector.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />\n");
        return folder;
    }

    private Task<CliRun> Validate(params string[] args) => CliRunner.RunAsync(_temp.Path, ["validate", .. args]);

    [Fact]
    public async Task ValidFolder_HasNoProblems()
    {
        CliRun run = await Validate(Connector());

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("1 connector checked: no problems", run.Out.Trim());
    }

    [Fact]
    public async Task FixtureConnector_IsValid()
    {
        CliRun run = await CliRunner.RunAsync(CliRunner.RepositoryRoot, "validate", "tests/Patchbay.Cli.Tests/Fixtures/items-fixture");

        Assert.True(run.ExitCode == 0, run.All);
    }

    [Fact]
    public async Task InvalidJson_IsAnError()
    {
        CliRun run = await Validate(Connector(config: "{ \"name\": \"my-connector\", "));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: my-connector/config.json: /: is not valid JSON", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingRequiredField_NamesTheField()
    {
        CliRun run = await Validate(Connector(config: Config.Replace("\"description\": \"Lists items.\",\n  \"auth\"", "\"auth\"", StringComparison.Ordinal)));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: my-connector/config.json: /description: is required", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingActionSchema_NamesThePointer()
    {
        string config = Config.Replace("\"output_schema\": { \"type\": \"object\" }\n    }\n  },", "\"x\": 1\n    }\n  },", StringComparison.Ordinal);
        CliRun run = await Validate(Connector(config: config));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: my-connector/config.json: /actions/list_items/output_schema: is required", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadPollingInterval_IsAnError()
    {
        CliRun run = await Validate(Connector(config: Config.Replace("\"5m\"", "\"every five minutes\"", StringComparison.Ordinal)));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: my-connector/config.json: /polling_triggers/new_items/polling_interval: ", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadAuthBlock_IsAnError()
    {
        string config = Config.Replace(
            "\"auth\": { \"type\": \"custom\", \"fields\": { \"type\": \"object\", \"properties\": { \"api_key\": { \"type\": \"string\" } }, \"required\": [\"api_key\"] } },",
            "\"auth\": { \"type\": \"custom\" },",
            StringComparison.Ordinal);
        CliRun run = await Validate(Connector(config: config));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: my-connector/config.json: /auth/fields: is required", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownAuthType_IsAnError()
    {
        string config = Config.Replace("\"type\": \"custom\"", "\"type\": \"magic\"", StringComparison.Ordinal);
        CliRun run = await Validate(Connector(config: config));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("/auth/type: 'magic' is not an auth type", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SchemaThatDoesNotCompile_IsAnError()
    {
        string config = Config.Replace("\"minimum\": 1", "\"minimum\": \"one\"", StringComparison.Ordinal);
        CliRun run = await Validate(Connector(config: config));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: my-connector/config.json: /actions/list_items/input_schema", run.Out, StringComparison.Ordinal);
        Assert.Contains("is not a valid JSON Schema", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingReadme_IsAnError()
    {
        CliRun run = await Validate(Connector(readme: false));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: my-connector: /: README.md is missing", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FolderNameNotLowercaseWithHyphens_IsAnError()
    {
        CliRun run = await Validate(Connector(folder: "My_Connector"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: My_Connector: /: folder name 'My_Connector' is not lowercase-with-hyphens", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActionWithoutHandler_NamesTheAction()
    {
        CliRun run = await Validate(Connector(handlers: Handlers.Replace("[Action(\"list_items\")]", "", StringComparison.Ordinal)));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: my-connector/config.json: /actions/list_items: action 'list_items' has no handler", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TriggerWithoutHandler_NamesTheTrigger()
    {
        CliRun run = await Validate(Connector(handlers: Handlers.Replace("[PollingTrigger(\"new_items\")]", "", StringComparison.Ordinal)));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("/polling_triggers/new_items: polling trigger 'new_items' has no handler", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandlerWithoutAction_NamesTheHandlerAndTheAction()
    {
        string handlers = Handlers + "\n[Action(\"archive_item\")]\npublic sealed class ArchiveItem : ActionHandler { }\n";
        CliRun run = await Validate(Connector(handlers: handlers));

        Assert.Equal(1, run.ExitCode);
        string line = Assert.Single(run.Out.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.StartsWith("error: my-connector/config.json: /actions: handler ArchiveItem (Handlers.cs)", line, StringComparison.Ordinal);
        Assert.Contains("'archive_item'", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandlerChecks_StillRun_WhenTheManifestHasAnError()
    {
        string config = Config.Replace("\"5m\"", "\"soon\"", StringComparison.Ordinal);
        CliRun run = await Validate(Connector(config: config, handlers: Handlers.Replace("[Action(\"list_items\")]", "", StringComparison.Ordinal)));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("/polling_interval: ", run.Out, StringComparison.Ordinal);
        Assert.Contains("action 'list_items' has no handler", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warnings_DoNotFail()
    {
        CliRun run = await Validate(Connector(config: Config.Replace("\"1.0.0\"", "\"1.0\"", StringComparison.Ordinal)));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("warning: my-connector/config.json: /version: '1.0' is not a semantic version", run.Out, StringComparison.Ordinal);
        Assert.Contains("0 errors, 1 warning", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_PrintsEveryProblemAsAnObject()
    {
        string good = Connector(config: Config.Replace("\"1.0.0\"", "\"1.0\"", StringComparison.Ordinal));
        string bad = Connector(folder: "bad-one", readme: false);

        CliRun run = await Validate(good, bad, "--json");

        Assert.Equal(1, run.ExitCode);
        using JsonDocument json = JsonDocument.Parse(run.Out);
        JsonElement[] problems = [.. json.RootElement.EnumerateArray()];
        Assert.Equal(2, problems.Length);
        Assert.All(problems, p => Assert.Equal(["message", "path", "pointer", "severity"], p.EnumerateObject().Select(o => o.Name).Order()));
        Assert.Contains(problems, p => p.GetProperty("severity").GetString() == "warning"
            && p.GetProperty("path").GetString() == "my-connector/config.json"
            && p.GetProperty("pointer").GetString() == "/version");
        Assert.Contains(problems, p => p.GetProperty("severity").GetString() == "error"
            && p.GetProperty("path").GetString() == "bad-one"
            && p.GetProperty("message").GetString()!.Contains("README.md", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Json_NoProblems_IsAnEmptyArray()
    {
        CliRun run = await Validate(Connector(), "--json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(run.Out).RootElement.ValueKind);
        Assert.Equal(0, JsonDocument.Parse(run.Out).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task AutohivePythonConfig_ValidatesAsAManifestOnly()
    {
        const string Autohive = """
            {
              "name": "GitHub",
              "version": "1.0.0",
              "description": "GitHub issues",
              "entry_point": "github.py",
              "auth": { "type": "platform", "provider": "github", "scopes": ["repo"] },
              "actions": {
                "list_issues": { "description": "Lists issues", "input_schema": { "type": "object" }, "output_schema": { "type": "object" } }
              }
            }
            """;
        // A .csproj beside it would normally trigger handler checks; a .py entry point turns them off.
        Connector(folder: "autohive", config: Autohive, handlers: "", readme: false);

        CliRun run = await Validate("autohive/config.json");

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("handler", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("README", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BareConfigBesideAProject_IsCheckedAgainstItsHandlers()
    {
        Connector(handlers: "");

        CliRun run = await Validate("my-connector/config.json");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("action 'list_items' has no handler", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue11Item13_AGlobOfTheConnectorsFolder_SkipsItsFilesWithANote_AndChecksTheFolders()
    {
        // What `patchbay validate src/Connectors/*` expands to: the folders and src/Connectors/Directory.Build.props.
        Connector();
        Connector(folder: "other-one", config: Config.Replace("\"my-connector\"", "\"other-one\"", StringComparison.Ordinal));
        _temp.Write("Directory.Build.props", "<Project />\n");

        CliRun run = await Validate("Directory.Build.props", "my-connector", "other-one");

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Equal("note: skipped Directory.Build.props: not a connector folder or a config.json", run.Error.Trim());
        Assert.Equal("2 connectors checked: no problems", run.Out.Trim());
    }

    [Fact]
    public async Task Issue11Item13_TheShippedConnectorsFolderGlob_Passes()
    {
        string connectors = Path.Combine(CliRunner.RepositoryRoot, "src", "Connectors");
        string[] everything = [.. Directory.GetFileSystemEntries(connectors).Where(e => !Path.GetFileName(e).StartsWith('.')).Order(StringComparer.Ordinal)];
        Assert.Contains(everything, e => File.Exists(e));

        CliRun run = await CliRunner.RunAsync(CliRunner.RepositoryRoot, ["validate", .. everything]);

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains($"{everything.Count(Directory.Exists)} connectors checked", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue11Item13_OnlyFilesThatAreNotManifests_IsAnError()
    {
        _temp.Write("Directory.Build.props", "<Project />\n");

        CliRun run = await Validate("Directory.Build.props");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: nothing to check: pass connector folders or config.json files", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingPath_IsAnError()
    {
        CliRun run = await Validate("nowhere");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: nowhere: /: does not exist", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FolderWithoutConfig_IsAnError()
    {
        _temp.Write("empty-one/README.md", "# x\n");

        CliRun run = await Validate("empty-one");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: empty-one/config.json: /: is missing", run.Out, StringComparison.Ordinal);
    }
}
