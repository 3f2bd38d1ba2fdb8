using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Patchbay.Connectors.Testing;
using Patchbay.Testing.Functions;

namespace Patchbay.FunctionApp.Tests.Worker;

/// <summary>
/// The worker with an exporter configured (<c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>, its endpoints a closed loopback
/// port) registers tracing, and the caller's trace still flows: the host's trace context of the invocation is the parent of
/// the worker's spans, and an action's upstream call carries that trace onwards.
/// </summary>
public sealed class WorkerTelemetryTests
{
    [Fact]
    public async Task WithAnExporterConfigured_AnActionStarts_AndTheCallersTraceReachesTheUpstream()
    {
        await using LoopbackServer upstream = await LoopbackServer.StartAsync(app =>
            app.MapGet("/traced/{word}", (string word) => Microsoft.AspNetCore.Http.Results.Json(new { word })));
        int closed = ClosedPort();
        string storage = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"BlobEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;";
        FunctionsHostDoubleOptions options = WorkerApp.Options(storage);
        options.AppSettings["APPLICATIONINSIGHTS_CONNECTION_STRING"] =
            $"InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:{closed}/;LiveEndpoint=http://127.0.0.1:{closed}/";
        await using FunctionsHostDouble host = await FunctionsHostDouble.StartAsync(options);
        using HttpClient client = host.CreateClient();

        const string traceId = "5d2a6c0b9f1e4a7b8c3d2e1f0a9b8c7d";
        const string callerSpanId = "a1b2c3d4e5f60718";
        string word = "w" + Guid.NewGuid().ToString("N")[..8];
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/connectors/http/actions/request")
        {
            Content = new StringContent(JsonSerializer.Serialize(new
            {
                inputs = new { url = new Uri(upstream.BaseAddress, "traced/" + word).ToString() },
                auth = new Dictionary<string, object> { ["auth_method"] = "none", ["allowed_hosts"] = new[] { upstream.BaseAddress.Host } },
            }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpanId}-01");
        HttpResponseMessage response = await client.SendAsync(request);

        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}\n{host.Describe()}");
        Assert.Contains(host.Invocations, i => i.FunctionName == "ExecuteAction" && i.Succeeded);
        RecordedRequest call = Assert.Single(upstream.Requests, r => r.PathAndQuery == "/traced/" + word);
        Assert.True(call.Headers.TryGetValue("traceparent", out string? traceparent), "The upstream call carried no traceparent.");
        string[] parts = traceparent!.Split('-');
        Assert.Equal(traceId, parts[1]);
        // The worker's spans sit between the caller and the upstream call.
        Assert.NotEqual(callerSpanId, parts[2]);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
