using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Patchbay.Connectors.Testing;

namespace Patchbay.Cli.Tests.Commands.Run;

public sealed class RunCommandTests : IAsyncLifetime
{
    private const string Secret = "sk-live-5ecret-0f-the-caller";
    private static readonly string s_auth = JsonSerializer.Serialize(new { api_key = Secret });
    private LoopbackServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/items/{id}", (string id, HttpRequest request) => id switch
            {
                "missing" => Results.Json(new { message = "Not Found" }, statusCode: 404),
                // A careless upstream that quotes the key back in its error body.
                "echo" => Results.Json(new { message = $"Bad credentials: {request.Headers["X-Api-Key"]}" }, statusCode: 401),
                "broken" => Results.Json(new { id }),
                _ => Results.Json(new { id, name = "Item " + id }),
            });
        });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string Inputs(string id) => JsonSerializer.Serialize(new { base_url = _server.BaseAddress.ToString(), item_id = id });

    private static Task<CliRun> Run(params string[] args) =>
        CliRunner.RunAsync(Path.GetTempPath(), ["run", CliRunner.FixtureFolder, .. args, "--assembly", CliRunner.FixtureAssembly]);

    [Fact]
    public async Task Run_PrintsTheIntegrationResult_AndSendsTheKey()
    {
        CliRun run = await Run("get_item", "--inputs", Inputs("42"), "--auth", s_auth, "--allow-private-networks");

        Assert.True(run.ExitCode == 0, run.All);
        using JsonDocument json = JsonDocument.Parse(run.Out);
        Assert.Equal("action", json.RootElement.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("version").GetString()));
        Assert.Equal("Item 42", json.RootElement.GetProperty("result").GetProperty("data").GetProperty("name").GetString());
        Assert.Contains('\n', run.Out.Trim());
        RecordedRequest request = Assert.Single(_server.Requests);
        Assert.Equal("/items/42", request.PathAndQuery);
        Assert.Equal(Secret, request.Headers["X-Api-Key"]);
        Assert.DoesNotContain(Secret, run.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue11Item13_AuthFromAFileInTheHomeDirectory_WithATilde()
    {
        using var home = new TempDirectory();
        using var elsewhere = new TempDirectory();
        home.Write("my-connector-auth.json", s_auth);

        // As the README types it: the shell leaves ~ alone after @, so the CLI expands it.
        CliRun run = await CliRunner.RunWithHomeAsync(elsewhere.Path, home.Path, "run", CliRunner.FixtureFolder, "get_item",
            "--inputs", Inputs("9"), "--auth", "@~/my-connector-auth.json", "--allow-private-networks", "--assembly", CliRunner.FixtureAssembly);

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Equal(Secret, Assert.Single(_server.Requests).Headers["X-Api-Key"]);
    }

    [Fact]
    public async Task Run_InputsAndAuthFromFiles()
    {
        using var temp = new TempDirectory();
        temp.Write("inputs.json", Inputs("7"));
        temp.Write("auth.json", JsonSerializer.Serialize(new { auth_type = "ApiKey", credentials = new { api_key = Secret } }));

        CliRun run = await CliRunner.RunAsync(temp.Path, "run", CliRunner.FixtureFolder, "get_item", "--inputs", "@inputs.json", "--auth", "@auth.json", "--allow-private-networks", "--assembly", CliRunner.FixtureAssembly);

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Equal("Item 7", JsonDocument.Parse(run.Out).RootElement.GetProperty("result").GetProperty("data").GetProperty("name").GetString());
        Assert.Equal(Secret, Assert.Single(_server.Requests).Headers["X-Api-Key"]);
    }

    [Fact]
    public async Task Run_ActionError_PrintsTheErrorResult_AndExits1()
    {
        CliRun run = await Run("get_item", "--inputs", Inputs("missing"), "--auth", s_auth, "--allow-private-networks");

        Assert.Equal(1, run.ExitCode);
        using JsonDocument json = JsonDocument.Parse(run.Out);
        Assert.Equal("error", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("Item 'missing' does not exist.", json.RootElement.GetProperty("result").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Run_HttpError_IsOneLineWithStatus_AndNeverEchoesTheSecret()
    {
        CliRun run = await Run("get_item", "--inputs", Inputs("echo"), "--auth", s_auth, "--allow-private-networks");

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Out);
        string line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: upstream answered HTTP 401", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, run.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InvalidInputs_ListsEachPath()
    {
        CliRun run = await Run("get_item", "--inputs", "{\"item_id\": \"\"}", "--auth", s_auth, "--allow-private-networks");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: the inputs are not valid:", run.Error, StringComparison.Ordinal);
        Assert.Contains("  /item_id: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("base_url", run.Error, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Run_InvalidCredentials_NeverPrintsThem()
    {
        const string Short = "sk-shrt";
        CliRun run = await Run("get_item", "--inputs", Inputs("1"), "--auth", JsonSerializer.Serialize(new { api_key = Short }), "--allow-private-networks");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: the credentials are not valid:", run.Error, StringComparison.Ordinal);
        Assert.Contains("/api_key", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Short, run.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AuthThatIsNotJson_IsNotEchoed()
    {
        CliRun run = await Run("get_item", "--inputs", Inputs("1"), "--auth", "{" + Secret);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: --auth is not valid JSON", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, run.All, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-", run.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithoutAllowPrivateNetworks_BlocksLoopback()
    {
        CliRun run = await Run("get_item", "--inputs", Inputs("1"), "--auth", s_auth);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--allow-private-networks", run.Error, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
        Assert.DoesNotContain(Secret, run.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OutputBreakingItsSchema_IsAConnectorBug()
    {
        CliRun run = await Run("get_item", "--inputs", Inputs("broken"), "--auth", s_auth, "--allow-private-networks");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("does not match output_schema", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownAction_IsOneLine()
    {
        CliRun run = await Run("delete_item", "--auth", s_auth);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: Connector 'items-fixture' has no action 'delete_item'. It has: get_item.", run.Error.Trim());
    }

    [Fact]
    public async Task Run_BareConfigJson_CannotRun()
    {
        CliRun run = await CliRunner.RunAsync(CliRunner.FixtureFolder, "run", "config.json", "get_item");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("bare config.json", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FolderWithoutProject_SaysSo()
    {
        using var temp = new TempDirectory();
        temp.Write("py-connector/config.json", "{}");

        CliRun run = await CliRunner.RunAsync(temp.Path, "run", "py-connector", "get_item");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("has no .csproj", run.Error, StringComparison.Ordinal);
    }
}
