using Microsoft.AspNetCore.Builder;
using Patchbay.Connectors.Testing;
using Patchbay.Sdk;
using static Patchbay.Connectors.Rss.Tests.FeedServer;

namespace Patchbay.Connectors.Rss.Tests;

/// <summary>Issue 11 item 1: every integer input in rss's manifest, spelled 5.0 or 1e2, reaches its handler as an integer.</summary>
public class Issue11Item1Tests
{
    private static readonly ConnectorManifest Manifest = Connector.FromAssembly(typeof(FetchFeed).Assembly).Manifest;

    /// <summary>Valid inputs for each operation that has an integer input; the test sets one integer on top.</summary>
    private static readonly Dictionary<string, object> BaseInputs = new()
    {
        ["fetch_feed"] = new { url = "https://blog.example.com/feed/" },
    };

    public static TheoryData<string, string, string> WholeNumbers => IntegerInputs.Cases(Manifest, IntegerInputs.WholeNumberSpellings);

    public static TheoryData<string, string, string> HugeNumbers => IntegerInputs.Cases(Manifest, IntegerInputs.HugeSpellings);

    [Theory]
    [MemberData(nameof(WholeNumbers))]
    public async Task Item1_IntegerInputSpelledWithFractionOrExponent_RunsTheHandler(string operation, string path, string spelling)
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(app => app.MapGet("/feed/", () => Xml(Fixture("wordpress-rss2.xml"))));
        Assert.True(BaseInputs.TryGetValue(operation, out object? inputs), $"add base inputs for {operation} to this test");

        Outcome outcome = await IntegerInputs.RunAsync(Host(server), operation, IntegerInputs.With(inputs, path, spelling), auth: null);

        IntegerInputs.AssertSucceeded(outcome, $"{operation} {path}={spelling}");
        Assert.NotEmpty(server.Requests);
    }

    [Theory]
    [MemberData(nameof(HugeNumbers))]
    public async Task Item1_IntegerInputBeyondWhatTheHandlerTakes_IsRefusedAsInvalidInputs(string operation, string path, string spelling)
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(app => app.MapGet("/feed/", () => Xml(Fixture("wordpress-rss2.xml"))));
        Assert.True(BaseInputs.TryGetValue(operation, out object? inputs), $"add base inputs for {operation} to this test");

        Outcome outcome = await IntegerInputs.RunAsync(Host(server), operation, IntegerInputs.With(inputs, path, spelling), auth: null);

        IntegerInputs.AssertRefusedAt(outcome, path, $"{operation} {path}={spelling}");
        Assert.Empty(server.Requests);
    }
}
