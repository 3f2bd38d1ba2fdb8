using System.Net;
using Patchbay.Connectors.Testing;

namespace Patchbay.Platform.Tests;

/// <summary>
/// An action's upstream call continues the caller's trace context; when nothing records the request's trace (no exporter)
/// and the caller sent none, it carries none, not the traceparent of a trace nobody can look up (issue 15).
/// </summary>
/// <remarks>
/// A tracer provider listens process-wide, so these run alone (<see cref="UntracedCollection"/>): while another test's
/// app traces ASP.NET Core requests (PollingApp, the exporting app of TelemetryRegistrationTests), this app's requests are
/// recorded too, and a recorded trace is rightly continued upstream.
/// </remarks>
[Collection(UntracedCollection.Name)]
public sealed class TraceContextTests(PatchbayApp app)
{
    private const string RequestAction = "/api/connectors/http/actions/request";

    [Fact]
    public async Task HttpRequest_WithoutTraceContext_SendsNoneUpstream()
    {
        string path = "items?probe=" + Guid.NewGuid().ToString("N");
        HttpResponseMessage response = await app.Client.PostAsync(RequestAction,
            Http.Json(new { inputs = new { url = app.Upstream.BaseAddress + path }, auth = new { auth_method = "none" } }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        RecordedRequest upstream = Assert.Single(app.Upstream.Requests, r => r.PathAndQuery == "/" + path);
        Assert.DoesNotContain(upstream.Headers.Keys, name => name.Equals("traceparent", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task HttpRequest_TheCallersTraceContext_ReachesTheUpstream()
    {
        const string traceId = "0af7651916cd43dd8448eb211c80319c";
        string path = "items?probe=" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, RequestAction)
        {
            Content = Http.Json(new { inputs = new { url = app.Upstream.BaseAddress + path }, auth = new { auth_method = "none" } }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-b7ad6b7169203331-01");
        HttpResponseMessage response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        RecordedRequest upstream = Assert.Single(app.Upstream.Requests, r => r.PathAndQuery == "/" + path);
        string traceparent = Assert.Single(upstream.Headers, h => h.Key.Equals("traceparent", StringComparison.OrdinalIgnoreCase)).Value;
        Assert.Equal(traceId, traceparent.Split('-')[1]);
    }
}

/// <summary>Tests that need no tracer provider alive in the process: run after the parallel collections, alone, with their own app.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class UntracedCollection : ICollectionFixture<PatchbayApp>
{
    public const string Name = "Untraced app";
}
