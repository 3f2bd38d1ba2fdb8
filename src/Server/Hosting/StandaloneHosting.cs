using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using OpenTelemetry.Trace;
using Patchbay.Platform.Hosting;
using Patchbay.Platform.Mcp;
using Patchbay.Platform.Polling;
using Patchbay.Sdk.Fetch;
using Patchbay.Server.Polling;
using Scalar.AspNetCore;

namespace Patchbay.Server.Hosting;

/// <summary>
/// What only the standalone host does: where Kestrel listens, the function-key check the Functions host does for the
/// isolated worker (src/FunctionApp), the request's invocation id, log scope and span, the exception handler, the OpenAPI
/// document and the polling scheduler. Everything else is the platform's.
/// </summary>
public static class StandaloneHosting
{
    public const string InvocationIdHeader = "X-Azure-Functions-InvocationId";

    /// <summary>The API reference page (Scalar); its assets live under it.</summary>
    public const string DocsPath = "/api/docs";

    /// <summary>Where the OpenAPI documents are served: <c>/api/openapi/{documentName}.json</c>.</summary>
    public const string OpenApiPath = "/api/openapi";

    /// <summary>The scheme name the reference page fills in for "Try it" when opened with a valid <c>?code=</c>.</summary>
    public const string FunctionKeyScheme = "FunctionKey";

    // Set by /api/docs?code=… so the page's own requests (its scripts and the OpenAPI document) carry the key without
    // putting it in another URL. Honoured on those paths only: it is never an API key for the rest of /api.
    private const string DocsKeyCookie = "patchbay-docs-key";

    public static WebApplicationBuilder AddPatchbayServer(this WebApplicationBuilder builder)
    {
        ConfigurationManager configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["http_ports"]))
        {
            builder.WebHost.UseUrls("http://localhost:7071");
        }

        PatchbayOptions options = configuration.GetSection(PatchbayOptions.Section).Get<PatchbayOptions>() ?? new PatchbayOptions();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            // Kestrel refuses unparsable requests (NUL in the path, a request line or headers over its limits) before
            // the app runs; this gives those refusals a problem-details body too.
            kestrel.ConfigureEndpointDefaults(listen => listen.UseRefusedRequestProblems(kestrel.Limits, listen.ApplicationServices.GetRequiredService<ILoggerFactory>()));
        });

        builder.Logging.AddSimpleConsole(console =>
        {
            console.IncludeScopes = true;
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });

        IServiceCollection services = builder.Services;
        services.AddPatchbayPlatform(configuration);
        // Tracing only when an exporter is configured (APPLICATIONINSIGHTS_CONNECTION_STRING). Standalone, Kestrel receives
        // the request: ASP.NET Core's request span is the parent of Patchbay's invocation span (under the Functions host,
        // the host's and the worker's invocation spans are). Its url.query is redacted.
        services.AddPatchbayTelemetry(configuration, telemetry => telemetry.WithTracing(tracing => tracing.AddAspNetCoreInstrumentation()));
        // Bodies are read by RequestBody, never bound; strict numbers keep the document's integers integers (not "integer or string").
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict);
        services.AddPatchbayOpenApi();
        services.AddPatchbayMcp();
        services.AddSingleton<PollChannel>();
        services.AddHostedService<PollBatchConsumer>();
        services.AddSingleton<ApiKeyCheck>();
        services.AddHostedService<PollingScheduler>();
        return builder;
    }

    public static WebApplication UsePatchbayServer(this WebApplication app)
    {
        // Fail at start-up, not on the first request, when a connector or a setting is broken.
        app.Services.ValidatePatchbayPlatform();
        // What the start-up path resolves next is built on the thread pool from here, while the routes are mapped (issue 15,
        // start-up): the key check (its keys hashed; the first hash loads the crypto library) and the polling scheduler's
        // poller (the fetch client's resilience pipeline, the stores, the invoker). Both are still resolved before the host
        // listens (the pipeline's key check when the pipeline is built, the scheduler when the hosted services start): those
        // wait for this build instead of running it, and a failure is thrown there again, since the container keeps no
        // singleton whose construction threw.
        IServiceProvider services = app.Services;
        StartUpWork.Start(() => services.GetRequiredService<ApiKeyCheck>());
        // The fetch client first: it needs nothing the other pool threads are building, while the poller waits for the
        // storage clients that ValidatePatchbayPlatform started building.
        StartUpWork.Start(() =>
        {
            services.GetRequiredService<FetchClient>();
            services.GetRequiredService<Poller>();
        });

        app.Use(RefusedRequestProblems.Track);
        app.Use(ServeReferencePageInPlaceAsync);
        // After the path rewrite above, so /api/docs routes to the page itself; before the invocation scope, so the
        // request's span is named after its endpoint (ExecuteAction, as the function is) and carries its route values.
        // The matcher is built while the host starts, not on its first request (RouteWarmUp).
        app.UseRoutingBuiltAtStart();
        // Resolved once, not per request: the request logger.
        ILogger requests = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Patchbay.Requests");
        app.Use((context, next) => InvocationScopeAsync(context, next, requests));
        app.UseExceptionHandler();
        app.UseStatusCodePages(WriteStatusProblemAsync);
        // Resolved once, when the pipeline is built (before the server listens), not per request.
        app.Use(next =>
        {
            ApiKeyCheck keys = app.Services.GetRequiredService<ApiKeyCheck>();
            return context => RequireApiKeyAsync(context, next, keys);
        });
        return app;
    }

    /// <summary>
    /// The reference page: Scalar, reading <c>/api/openapi/v1.json</c>. Opened with a valid <c>?code=</c>, it fills the
    /// key in for "Try it"; the page is never cached and sends no Referer, so the key in its URL reaches no other request.
    /// </summary>
    public static void ConfigureReferencePage(ScalarOptions options, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        options.WithTitle("Patchbay API").WithOpenApiRoutePattern(OpenApiPath + "/{documentName}.json");
        // Served at /api/docs (no trailing slash, no redirect): the page's relative script URLs resolve against this base.
        options.HeadContent = $"<base href=\"{System.Net.WebUtility.HtmlEncode(context.Request.PathBase + DocsPath)}/\" />";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        if (context.Request.Query["code"].FirstOrDefault() is { Length: > 0 } code && context.RequestServices.GetRequiredService<ApiKeyCheck>().Matches(code))
        {
            options.AddPreferredSecuritySchemes(FunctionKeyScheme).AddApiKeyAuthentication(FunctionKeyScheme, scheme => scheme.Value = code);
        }
    }

    // Routing's 404 and 405 and the framework's own empty 4xx/5xx: problem details with Patchbay's types.
    private static async Task WriteStatusProblemAsync(StatusCodeContext statusContext)
    {
        HttpContext context = statusContext.HttpContext;
        ProblemDetails problem = StatusProblems.ForRequest(context.Response.StatusCode, context.Request.Method, context.Request.Path, context.Response.Headers.Allow.ToString());
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    // Scalar redirects /api/docs to /api/docs/ (and the redirect drops ?code=); answer the page in place instead.
    private static Task ServeReferencePageInPlaceAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.Equals(DocsPath, StringComparison.OrdinalIgnoreCase))
        {
            context.Request.Path = DocsPath + "/";
        }

        return next(context);
    }

    // Every log line and the span of a request carry its invocation id: the caller's X-Azure-Functions-InvocationId, or a new one.
    // Routing has run (see UsePatchbayServer), so the span is named after the endpoint (ExecuteAction, as the function is).
    private static async Task InvocationScopeAsync(HttpContext context, RequestDelegate next, ILogger logger)
    {
        string invocationId = context.Request.Headers[InvocationIdHeader].FirstOrDefault() is { Length: > 0 } fromHost
            ? fromHost
            : InvocationIds.New();
        context.Items[InvocationIds.ItemKey] = invocationId;
        // On starting, so a problem written after the exception handler cleared the response still carries it.
        context.Response.OnStarting(static state =>
        {
            var started = (HttpContext)state;
            started.Response.Headers[InvocationIds.ResponseHeader] = InvocationIds.Get(started);
            return Task.CompletedTask;
        }, context);
        // The span only when a listener samples Patchbay's source (an exporter is configured, or a test listens); its name
        // and route tags are built only then.
        using Activity? activity = PatchbayTelemetry.IsTracing
            ? PatchbayTelemetry.StartInvocation(context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? $"{context.Request.Method} {context.Request.Path}", invocationId, isTimer: false)
            : null;
        PatchbayTelemetry.DescribeRoute(activity, context);
        using (logger.BeginScope(new LogScope(KeyValuePair.Create("InvocationId", (object?)invocationId))))
        {
            // Debug, not Information: two lines per request cost more than the request itself under load (bench/RESULTS.md).
            logger.LogDebug("{Method} {Path} started", context.Request.Method, context.Request.Path);
            try
            {
                await next(context);
            }
            finally
            {
                PatchbayTelemetry.SetStatus(activity, context.Response.StatusCode);
            }

            logger.LogDebug("{Method} {Path} answered {Status}", context.Request.Method, context.Request.Path, context.Response.StatusCode);
        }
    }

    // Standalone, the app checks keys as the Functions host would check function keys. Not async: it adds no step of its own to
    // every request's continuation chain (a refusal throws to the awaiting middleware as a faulted task would).
    private static Task RequireApiKeyAsync(HttpContext context, RequestDelegate next, ApiKeyCheck keys)
    {
        PathString path = context.Request.Path;
        // Anonymous as the Functions host's anonymous functions: health, readiness, the OAuth callback (a provider redirects
        // the user's browser there; the signed state authorises it) and the connect page (its token authorises it).
        if (path == "/" || path.Equals("/api/health", StringComparison.OrdinalIgnoreCase) || path.Equals("/api/health/ready", StringComparison.OrdinalIgnoreCase)
            || path.Equals("/" + PatchbayRoutes.Prefix + "/" + PatchbayRoutes.OAuthCallback, StringComparison.OrdinalIgnoreCase)
            || path.Equals("/" + PatchbayRoutes.Prefix + "/" + PatchbayRoutes.Connect, StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }

        string? fromQuery = context.Request.Query["code"].FirstOrDefault();
        bool isDocs = path.StartsWithSegments(DocsPath, StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments(OpenApiPath, StringComparison.OrdinalIgnoreCase);
        string? presented = context.Request.Headers["x-functions-key"].FirstOrDefault() ?? fromQuery ?? (isDocs ? context.Request.Cookies[DocsKeyCookie] : null);
        if (presented is not null && keys.Matches(presented))
        {
            // A browser opening /api/docs?code=... keeps the key for the page's own requests (its scripts, the OpenAPI document).
            if (fromQuery is not null && path.StartsWithSegments(DocsPath, StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Cookies.Append(DocsKeyCookie, fromQuery, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/api", IsEssential = true });
            }

            return next(context);
        }

        string detail = keys.Count == 0
            ? $"No API keys are configured; set {SettingNames.ApiKeys} and send one in the x-functions-key header."
            : "Send a valid key in the x-functions-key header or the code query parameter.";
        throw new ApiProblem(401, ProblemTypes.Unauthorized, presented is null ? "An API key is required" : "The API key is not valid", detail);
    }

}
