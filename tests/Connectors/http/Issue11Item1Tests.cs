using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Patchbay.Connectors.Testing;
using Patchbay.Sdk;
using static Patchbay.Connectors.Http.Tests.HttpHost;

namespace Patchbay.Connectors.Http.Tests;

/// <summary>Issue 11 item 1: every integer input in http's manifest, spelled 5.0 or 1e2, reaches its handler as an integer.</summary>
public class Issue11Item1Tests
{
    private static readonly ConnectorManifest Manifest = Connector.FromAssembly(typeof(Request).Assembly).Manifest;

    /// <summary>Valid inputs for each operation that has an integer input; the test sets one integer on top.</summary>
    private static readonly Dictionary<string, object> BaseInputs = new()
    {
        ["request"] = new { url = "https://api.example.com/v1/orders" },
    };

    public static TheoryData<string, string, string> WholeNumbers => IntegerInputs.Cases(Manifest, IntegerInputs.WholeNumberSpellings);

    public static TheoryData<string, string, string> HugeNumbers => IntegerInputs.Cases(Manifest, IntegerInputs.HugeSpellings);

    [Theory]
    [MemberData(nameof(WholeNumbers))]
    public async Task Item1_IntegerInputSpelledWithFractionOrExponent_RunsTheHandler(string operation, string path, string spelling)
    {
        await using LoopbackServer server = await StartAsync();
        Assert.True(BaseInputs.TryGetValue(operation, out object? inputs), $"add base inputs for {operation} to this test");

        Outcome outcome = await IntegerInputs.RunAsync(For(server), operation, IntegerInputs.With(inputs, path, spelling), auth: null);

        IntegerInputs.AssertSucceeded(outcome, $"{operation} {path}={spelling}");
        Assert.NotEmpty(server.Requests);
    }

    [Theory]
    [MemberData(nameof(HugeNumbers))]
    public async Task Item1_IntegerInputBeyondWhatTheHandlerTakes_IsRefusedAsInvalidInputs(string operation, string path, string spelling)
    {
        await using LoopbackServer server = await StartAsync();
        Assert.True(BaseInputs.TryGetValue(operation, out object? inputs), $"add base inputs for {operation} to this test");

        Outcome outcome = await IntegerInputs.RunAsync(For(server), operation, IntegerInputs.With(inputs, path, spelling), auth: null);

        IntegerInputs.AssertRefusedAt(outcome, path, $"{operation} {path}={spelling}");
        Assert.Empty(server.Requests);
    }

    private static Task<LoopbackServer> StartAsync() => LoopbackServer.StartAsync(app =>
        app.MapGet("/v1/orders", () => Results.Json(new { data = Array.Empty<object>() })));
}
