using Patchbay.Connectors.Testing;
using Patchbay.Sdk;

namespace Patchbay.Connectors.MicrosoftOutlook.Tests;

/// <summary>Issue 11 item 1: every integer input in microsoft-outlook's manifest, spelled 5.0 or 1e2, reaches its handler as an integer.</summary>
public class Issue11Item1Tests
{
    private static readonly ConnectorManifest Manifest = Connector.FromAssembly(typeof(ListMessages).Assembly).Manifest;

    /// <summary>Valid inputs for each operation that has an integer input; the test sets one integer on top.</summary>
    private static readonly Dictionary<string, object> BaseInputs = new()
    {
        ["list_messages"] = new { },
    };

    public static TheoryData<string, string, string> WholeNumbers => IntegerInputs.Cases(Manifest, IntegerInputs.WholeNumberSpellings);

    public static TheoryData<string, string, string> HugeNumbers => IntegerInputs.Cases(Manifest, IntegerInputs.HugeSpellings);

    [Theory]
    [MemberData(nameof(WholeNumbers))]
    public async Task Item1_IntegerInputSpelledWithFractionOrExponent_RunsTheHandler(string operation, string path, string spelling)
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync(g => g.Inbox.Add(FakeGraph.Message("AAMkAD0001=", DateTimeOffset.UnixEpoch, "One")));
        await using LoopbackServer running = server;
        Assert.True(BaseInputs.TryGetValue(operation, out object? inputs), $"add base inputs for {operation} to this test");

        Outcome outcome = await IntegerInputs.RunAsync(OutlookActionTests.Host(server), operation, IntegerInputs.With(inputs, path, spelling), new { access_token = graph.ValidToken });

        IntegerInputs.AssertSucceeded(outcome, $"{operation} {path}={spelling}");
        Assert.NotEmpty(server.Requests);
    }

    [Theory]
    [MemberData(nameof(HugeNumbers))]
    public async Task Item1_IntegerInputBeyondWhatTheHandlerTakes_IsRefusedAsInvalidInputs(string operation, string path, string spelling)
    {
        (LoopbackServer server, FakeGraph graph) = await FakeGraph.StartAsync();
        await using LoopbackServer running = server;
        Assert.True(BaseInputs.TryGetValue(operation, out object? inputs), $"add base inputs for {operation} to this test");

        Outcome outcome = await IntegerInputs.RunAsync(OutlookActionTests.Host(server), operation, IntegerInputs.With(inputs, path, spelling), new { access_token = graph.ValidToken });

        IntegerInputs.AssertRefusedAt(outcome, path, $"{operation} {path}={spelling}");
        Assert.Empty(server.Requests);
    }
}
