using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Patchbay.Connectors.Testing;

namespace Patchbay.Cli.Tests.Commands.Poll;

public sealed class PollCommandTests : IAsyncLifetime
{
    private const string Secret = "sk-poll-5ecret-value";
    private LoopbackServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync(app =>
            app.MapGet("/items", () => Results.Json(new[] { new { id = "a", name = "First" }, new { id = "b", name = "Second" }, new { id = "a", name = "First again" } })));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<CliRun> Poll(params string[] args) =>
        CliRunner.RunAsync(Path.GetTempPath(), [
            "poll", CliRunner.FixtureFolder, "new_items",
            "--inputs", JsonSerializer.Serialize(new { base_url = _server.BaseAddress.ToString() }),
            "--auth", JsonSerializer.Serialize(new { api_key = Secret }),
            "--allow-private-networks", "--assembly", CliRunner.FixtureAssembly, .. args]);

    [Fact]
    public async Task Poll_PrintsRecords_WithoutDuplicates()
    {
        CliRun run = await Poll("--last-poll-ts", "2026-01-31T12:00:00Z");

        Assert.True(run.ExitCode == 0, run.All);
        JsonElement[] records = [.. JsonDocument.Parse(run.Out).RootElement.EnumerateArray()];
        Assert.Equal(["a", "b"], records.Select(r => r.GetProperty("id").GetString()));
        Assert.Equal("First", records[0].GetProperty("data").GetProperty("name").GetString());
        RecordedRequest request = Assert.Single(_server.Requests);
        Assert.StartsWith("/items?since=2026-01-31T12", request.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(Secret, request.Headers["X-Api-Key"]);
        Assert.DoesNotContain(Secret, run.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_FirstPoll_SendsNoSince()
    {
        CliRun run = await Poll();

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Equal("/items", Assert.Single(_server.Requests).PathAndQuery);
    }

    [Fact]
    public async Task Poll_BadTimestamp_IsAUsageError()
    {
        CliRun run = await Poll("--last-poll-ts", "yesterday");

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Poll_UnknownTrigger_IsOneLine()
    {
        CliRun run = await CliRunner.RunAsync(Path.GetTempPath(), "poll", CliRunner.FixtureFolder, "old_items", "--assembly", CliRunner.FixtureAssembly);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: Connector 'items-fixture' has no polling trigger 'old_items'. It has: new_items.", run.Error.Trim());
    }
}
