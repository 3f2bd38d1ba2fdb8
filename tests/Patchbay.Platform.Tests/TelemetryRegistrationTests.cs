using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Patchbay.Platform.Hosting;

namespace Patchbay.Platform.Tests;

/// <summary>
/// Tracing is registered only when an exporter is configured (<c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>): without one
/// the host has no tracer provider, so no request records a span nobody reads, and the invocation id (response header,
/// problem body, log scope) does not depend on a span. With one, the host's own tracer provider records Patchbay's
/// invocation span under ASP.NET Core's request span.
/// </summary>
[Collection(PatchbayAppCollection.Name)]
public sealed class TelemetryRegistrationTests(PatchbayApp app)
{
    [Fact]
    public async Task NoExporterConfigured_NoTracerProviderIsRegistered_AndARequestStillCarriesItsInvocationId()
    {
        Assert.False(PatchbayTelemetry.IsExportConfigured(app.Services.GetRequiredService<IConfiguration>()));
        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
        Assert.Null(app.Services.GetService<LoggerProvider>());

        // A new id when the caller sends none: the same in the response header, the problem and the request's log lines.
        HttpResponseMessage missing = await app.Client.GetAsync("/api/connectors/no-such-connector");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        string invocationId = missing.Headers.GetValues(InvocationIds.ResponseHeader).Single();
        Assert.True(Guid.TryParse(invocationId, out _), invocationId);
        Assert.Equal(invocationId, (await missing.ReadJsonAsync()).GetProperty("invocation_id").GetString());
        // "started" is logged before the endpoint runs, so it is in the log once the answer is here ("answered" may not be yet).
        Assert.Contains(app.Logs, line => line.Contains("GET /api/connectors/no-such-connector started", StringComparison.Ordinal)
            && line.Contains($"[InvocationId={invocationId}]", StringComparison.Ordinal));

        // The caller's id when it sends one.
        string sent = "inv-" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/connectors/http");
        request.Headers.Add("X-Azure-Functions-InvocationId", sent);
        HttpResponseMessage found = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(sent, found.Headers.GetValues(InvocationIds.ResponseHeader).Single());
    }

    [Fact]
    public void IsExportConfigured_OnlyForANonEmptyConnectionString()
    {
        static IConfiguration With(string? value) => new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [SettingNames.AppInsightsConnectionString] = value }).Build();

        Assert.False(PatchbayTelemetry.IsExportConfigured(With(null)));
        Assert.False(PatchbayTelemetry.IsExportConfigured(With("")));
        Assert.True(PatchbayTelemetry.IsExportConfigured(With("InstrumentationKey=00000000-0000-0000-0000-000000000000")));
    }

    [Fact]
    public async Task ExporterConfigured_TheHostRegistersTheTracerProvider_AndRecordsPatchbaysSpanUnderTheRequestSpan()
    {
        await using var exporting = new ExportingApp();
        exporting.UseKestrel(); // the address from "urls" in ConfigureWebHost: UseKestrel(0) races the bind (dotnet/aspnetcore#67714)
        exporting.StartServer();
        using HttpClient client = exporting.CreateClient();
        client.DefaultRequestHeaders.Add("x-functions-key", ExportingApp.ApiKey);

        Assert.NotNull(exporting.Services.GetService<TracerProvider>());

        HttpResponseMessage response = await client.GetAsync("/api/connectors/http");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string invocationId = response.Headers.GetValues(InvocationIds.ResponseHeader).Single();

        // The test adds only an exporter to the host's provider (ConfigureOpenTelemetryTracerProvider registers none):
        // the sources it listens to are the ones the host registered.
        Activity span = await exporting.Spans.SingleAsync(s => s.Source.Name == PatchbayTelemetry.SourceName
            && s.GetTagItem(PatchbayTelemetry.Attributes.InvocationId) as string == invocationId);
        Assert.Equal("GetConnector", span.OperationName);
        Assert.Equal("http", span.GetTagItem(PatchbayTelemetry.Attributes.Connector));
        Assert.Equal(200, span.GetTagItem(PatchbayTelemetry.Attributes.StatusCode));
        Activity request = await exporting.Spans.SingleAsync(s => s.Source.Name != PatchbayTelemetry.SourceName && s.SpanId == span.ParentSpanId);
        Assert.Equal(span.TraceId, request.TraceId);
        Assert.Equal(ActivityKind.Server, request.Kind);
    }

    /// <summary>
    /// The host with an Application Insights connection string whose endpoints are a closed loopback port (nothing leaves
    /// the machine, nothing is stored offline), and an in-memory exporter added to whatever tracer provider the host registers.
    /// Nothing here needs storage: its connection string points at the same closed port.
    /// </summary>
    private sealed class ExportingApp : WebApplicationFactory<Program>
    {
        public const string ApiKey = "exporting-test-key-0123456789";

        public SpanLog Spans { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("urls", "http://127.0.0.1:0");
            int closed = ClosedPort();
            builder.UseSetting("AzureWebJobsStorage", "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
                "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
                $"BlobEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;");
            builder.UseSetting("Patchbay:ApiKeys", ApiKey);
            builder.UseSetting("Patchbay:EncryptionKeys", PatchbayApp.EncryptionKeys);
            builder.UseSetting("PollingSchedule", "0 0 0 1 1 *");
            builder.UseSetting(SettingNames.AppInsightsConnectionString,
                $"InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:{closed}/;LiveEndpoint=http://127.0.0.1:{closed}/");
            builder.ConfigureServices(services =>
            {
                services.Configure<AzureMonitorExporterOptions>(exporter =>
                {
                    exporter.DisableOfflineStorage = true;
                    exporter.EnableLiveMetrics = false;
                    // Every trace, not Azure Monitor's default rate limit: this provider also samples the spans of every
                    // other app the test process runs at the same time (the sources are process-wide).
                    exporter.TracesPerSecond = null;
                    exporter.SamplingRatio = 1.0F;
                });
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
            });
        }

        private static int ClosedPort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
