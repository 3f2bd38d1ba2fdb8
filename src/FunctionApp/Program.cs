using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Patchbay.FunctionApp.Hosting;
using Patchbay.Platform.Mcp;

// The isolated worker: the Functions host starts this process, routes HTTP requests to it through the ASP.NET Core
// integration and runs the PollingTick timer. The host checks function keys; the worker checks nothing of its own.
FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<InvocationMiddleware>();

builder.Services.AddPatchbayPlatform(builder.Configuration);
builder.Services.AddPatchbayMcp();
builder.Services.AddSingleton<Patchbay.Platform.Polling.PollQueueSender>();
// Tracing only when APPLICATIONINSIGHTS_CONNECTION_STRING is set; then the worker's invocation span (parented on the host's
// trace context) is the parent of Patchbay's. Without it nothing records spans.
builder.Services.AddPatchbayTelemetry(builder.Configuration, telemetry => telemetry.UseFunctionsWorkerDefaults());
// The same body limit as standalone: the worker's Kestrel answers 413 past Patchbay__MaxRequestBytes.
builder.Services.AddOptions<KestrelServerOptions>()
    .Configure<IOptions<PatchbayOptions>>((kestrel, patchbay) => kestrel.Limits.MaxRequestBodySize = patchbay.Value.MaxRequestBytes);

IHost host = builder.Build();
// Fail at start-up, not on the first invocation, when a connector or a setting is broken.
host.Services.ValidatePatchbayPlatform();
// PollingQueue must name a usable queue: the host resolves the queue trigger's %PollingQueue% from the same setting.
host.Services.GetRequiredService<Patchbay.Platform.Polling.PollQueueSender>();
await host.RunAsync();
