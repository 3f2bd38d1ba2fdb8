using Microsoft.AspNetCore.Builder;
using Patchbay.Connectors.Testing;
using Patchbay.Sdk;
using Patchbay.Sdk.Testing;
using static Patchbay.Connectors.Slack.Tests.SlackPayloads;

namespace Patchbay.Connectors.Slack.Tests;

/// <summary>Issue 11 item 1: every integer input in slack's manifest, spelled 5.0 or 1e2, reaches its handler as an integer.</summary>
public class Issue11Item1Tests
{
    private static readonly object Auth = new { access_token = "xoxb-test-bot-token" };
    private static readonly ConnectorManifest Manifest = Connector.FromAssembly(typeof(PostMessage).Assembly).Manifest;

    /// <summary>Valid inputs for each operation that has an integer input; the test sets one integer on top.</summary>
    private static readonly Dictionary<string, object> BaseInputs = new()
    {
        ["list_channels"] = new { },
    };

    public static TheoryData<string, string, string> WholeNumbers => IntegerInputs.Cases(Manifest, IntegerInputs.WholeNumberSpellings);

    public static TheoryData<string, string, string> HugeNumbers => IntegerInputs.Cases(Manifest, IntegerInputs.HugeSpellings);

    [Theory]
    [MemberData(nameof(WholeNumbers))]
    public async Task Item1_IntegerInputSpelledWithFractionOrExponent_RunsTheHandler(string operation, string path, string spelling)
    {
        await using LoopbackServer server = await StartSlackAsync();
        Assert.True(BaseInputs.TryGetValue(operation, out object? inputs), $"add base inputs for {operation} to this test");

        Outcome outcome = await IntegerInputs.RunAsync(Host(server), operation, IntegerInputs.With(inputs, path, spelling), Auth);

        IntegerInputs.AssertSucceeded(outcome, $"{operation} {path}={spelling}");
        Assert.NotEmpty(server.Requests);
    }

    [Theory]
    [MemberData(nameof(HugeNumbers))]
    public async Task Item1_IntegerInputBeyondWhatTheHandlerTakes_IsRefusedAsInvalidInputs(string operation, string path, string spelling)
    {
        await using LoopbackServer server = await StartSlackAsync();
        Assert.True(BaseInputs.TryGetValue(operation, out object? inputs), $"add base inputs for {operation} to this test");

        Outcome outcome = await IntegerInputs.RunAsync(Host(server), operation, IntegerInputs.With(inputs, path, spelling), Auth);

        IntegerInputs.AssertRefusedAt(outcome, path, $"{operation} {path}={spelling}");
        Assert.Empty(server.Requests);
    }

    private static ConnectorTestHost Host(LoopbackServer server) =>
        ConnectorTestHost.FromAssembly(typeof(PostMessage).Assembly).Redirect(Origin, server.BaseAddress);

    private static Task<LoopbackServer> StartSlackAsync() => LoopbackServer.StartAsync(app =>
        app.MapGet("/api/conversations.list", () => Json(new Dictionary<string, object?>
        {
            ["ok"] = true,
            ["channels"] = new[] { Channel("C012AB3CD", "general") },
            ["response_metadata"] = new { next_cursor = "" },
        })));
}
