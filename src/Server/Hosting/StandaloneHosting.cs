using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Patchbay.Platform.Hosting;
using Patchbay.Platform.Mcp;
using Patchbay.Server.Polling;

namespace Patchbay.Server.Hosting;

/// <summary>
/// What only the standalone host does: where Kestrel listens, the function-key check the Functions host would
/// otherwise do, the request log scope, the OpenAPI document and the polling scheduler. Everything else is the platform's.
/// </summary>
public static class StandaloneHosting
{
    public const string InvocationIdHeader = "X-Azure-Functions-InvocationId";
    private const string DocsKeyCookie = "patchbay-docs-key";

    /// <summary>Whether the Functions host started the app as a custom handler (it sets FUNCTIONS_CUSTOMHANDLER_PORT).</summary>
    public static bool IsUnderFunctionsHost(IConfiguration configuration) => !string.IsNullOrEmpty(configuration[SettingNames.CustomHandlerPort]);

    public static WebApplicationBuilder AddPatchbayServer(this WebApplicationBuilder builder)
    {
        ConfigurationManager configuration = builder.Configuration;
        if (configuration[SettingNames.CustomHandlerPort] is { Length: > 0 } port)
        {
            // The host talks to the handler on loopback only, on the port it chose.
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }
        else if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["http_ports"]))
        {
            builder.WebHost.UseUrls("http://localhost:7071");
        }

        PatchbayOptions options = configuration.GetSection(PatchbayOptions.Section).Get<PatchbayOptions>() ?? new PatchbayOptions();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes);

        builder.Logging.AddSimpleConsole(console =>
        {
            console.IncludeScopes = true;
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });

        IServiceCollection services = builder.Services;
        services.AddPatchbayPlatform(configuration);
        services.AddPatchbayMcp();
        services.AddOpenApi("v1", openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Patchbay";
            document.Info.Description = "Every connector behind one HTTP API: discover connectors and actions, run them with inline auth or stored connections, and subscribe to polling triggers.";
            return Task.CompletedTask;
        }));
        services.AddHostedService<PollingScheduler>();
        return builder;
    }

    public static WebApplication UsePatchbayServer(this WebApplication app)
    {
        // Fail at start-up, not on the first request, when a connector or a setting is broken.
        app.Services.ValidatePatchbayPlatform();

        app.Use(InvocationScopeAsync);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (!IsUnderFunctionsHost(app.Configuration))
        {
            app.Use(RequireApiKeyAsync);
        }

        return app;
    }

    // Every log line of a request carries the host's invocation id (or one of ours when running standalone).
    private static async Task InvocationScopeAsync(HttpContext context, RequestDelegate next)
    {
        string invocationId = context.Request.Headers[InvocationIdHeader].FirstOrDefault() is { Length: > 0 } fromHost
            ? fromHost
            : Guid.NewGuid().ToString();
        context.Items[InvocationIds.ItemKey] = invocationId;
        context.Response.Headers[InvocationIds.ResponseHeader] = invocationId;
        ILogger logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Patchbay.Requests");
        using (logger.BeginScope(new LogScope(KeyValuePair.Create("InvocationId", (object?)invocationId))))
        {
            logger.LogInformation("{Method} {Path} started", context.Request.Method, context.Request.Path);
            await next(context);
            logger.LogInformation("{Method} {Path} answered {Status}", context.Request.Method, context.Request.Path, context.Response.StatusCode);
        }
    }

    // Standalone, the app checks keys as the Functions host would check function keys.
    private static async Task RequireApiKeyAsync(HttpContext context, RequestDelegate next)
    {
        PathString path = context.Request.Path;
        if (path == "/" || path.Equals("/api/health", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        string? fromQuery = context.Request.Query["code"].FirstOrDefault();
        string? presented = context.Request.Headers["x-functions-key"].FirstOrDefault() ?? fromQuery ?? context.Request.Cookies[DocsKeyCookie];
        IReadOnlyList<string> keys = context.RequestServices.GetRequiredService<IOptions<PatchbayOptions>>().Value.ApiKeyList;
        if (presented is not null && keys.Any(key => FixedTimeEquals(key, presented)))
        {
            // A browser opening /api/docs?code=... keeps the key for the page's own requests (the OpenAPI document).
            if (fromQuery is not null && path.StartsWithSegments("/api/docs", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Cookies.Append(DocsKeyCookie, fromQuery, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/api", IsEssential = true });
            }

            await next(context);
            return;
        }

        string detail = keys.Count == 0
            ? $"No API keys are configured; set {SettingNames.ApiKeys} and send one in the x-functions-key header."
            : "Send a valid key in the x-functions-key header or the code query parameter.";
        throw new ApiProblem(401, ProblemTypes.Unauthorized, presented is null ? "An API key is required" : "The API key is not valid", detail);
    }

    private static bool FixedTimeEquals(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
}
