using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Patchbay.Platform.Connections;
using Patchbay.Platform.Storage;
using Patchbay.Sdk;

namespace Patchbay.Platform.Hosting;

/// <summary>A request Patchbay refuses, with a stable problem type and the paths at fault.</summary>
public sealed class ApiProblem(int status, string type, string title, string detail, IReadOnlyList<FieldError>? errors = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Type { get; } = type;
    public string Title { get; } = title;
    public IReadOnlyList<FieldError>? Errors { get; } = errors;

    public static ApiProblem BadRequest(string detail, params FieldError[] errors) =>
        new(400, ProblemTypes.InvalidRequest, "The request is not valid", detail, errors);

    public static ApiProblem NotFound(string what, string detail) =>
        new(404, ProblemTypes.NotFound, $"{what} not found", detail);
}

/// <summary>The stable <c>type</c> values of Patchbay's problem details.</summary>
public static class ProblemTypes
{
    private const string Prefix = "urn:patchbay:problem:";
    public const string InvalidRequest = Prefix + "invalid-request";
    public const string ValidationFailed = Prefix + "validation-failed";
    public const string NotFound = Prefix + "not-found";
    public const string Unauthorized = Prefix + "unauthorized";
    public const string TooLarge = Prefix + "request-too-large";
    public const string RateLimited = Prefix + "upstream-rate-limited";
    public const string UpstreamError = Prefix + "upstream-error";
    public const string UpstreamTimeout = Prefix + "upstream-timeout";
    public const string UpstreamResponseTooLarge = Prefix + "upstream-response-too-large";
    public const string RequestBlocked = Prefix + "request-blocked";
    public const string ConnectionNotActive = Prefix + "connection-not-active";
    public const string SubscriptionBusy = Prefix + "subscription-busy";
    public const string SubscriptionPaused = Prefix + "subscription-paused";
    public const string Conflict = Prefix + "conflict";
    public const string ConnectorBug = Prefix + "connector-error";
    public const string NotConfigured = Prefix + "not-configured";
    public const string StorageUnavailable = Prefix + "storage-unavailable";
    public const string Internal = Prefix + "internal-error";
    public const string MethodNotAllowed = Prefix + "method-not-allowed";
    public const string UriTooLong = Prefix + "uri-too-long";
    public const string HeadersTooLarge = Prefix + "headers-too-large";
    public const string RequestTimeout = Prefix + "request-timeout";
}

/// <summary>Maps every exception to problem details in one place: SDK errors to 4xx/5xx as DESIGN.md lists, never a bare 500 for bad input.</summary>
internal sealed class PatchbayExceptionHandler(IProblemDetailsService problems, ILogger<PatchbayExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            logger.LogInformation("The client disconnected; the call was cancelled");
            context.Response.StatusCode = 499;
            return true;
        }

        ProblemDetails problem = ToProblem(context, exception);
        // Unreachable storage is an outage, not a bug: one line without a stack trace (readiness probes hit it every few seconds).
        if (exception is StorageUnavailableException) logger.LogWarning("Request answered {Status}: {Detail}", problem.Status, problem.Detail);
        else if (problem.Status >= 500) logger.LogError(exception, "Request failed with {Status}: {ProblemType}", problem.Status, problem.Type);
        else logger.LogInformation("Request refused with {Status}: {ProblemType}: {Detail}", problem.Status, problem.Type, problem.Detail);

        context.Response.StatusCode = problem.Status ?? 500;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    internal static ProblemDetails ToProblem(HttpContext context, Exception exception)
    {
        switch (exception)
        {
            case ApiProblem api:
                return Make(api.Status, api.Type, api.Title, api.Message, api.Errors);
            case StorageUnavailableException storage:
            {
                int seconds = (int)Math.Ceiling(StorageGuard.RetryAfter.TotalSeconds);
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                ProblemDetails problem = Make(503, ProblemTypes.StorageUnavailable, "Storage is unreachable", storage.Message);
                problem.Extensions["retry_after_seconds"] = seconds;
                return problem;
            }

            case BadHttpRequestException { StatusCode: 413 }:
                return Make(413, ProblemTypes.TooLarge, "The request body is too large", $"Bodies are limited to {context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<PatchbayOptions>>().Value.MaxRequestBytes} bytes ({SettingNames.MaxRequestBytes}).");
            case BadHttpRequestException bad:
                return Make(bad.StatusCode, ProblemTypes.InvalidRequest, "The request is not valid", bad.Message);
            case ValidationError { IsCallerError: true } validation:
            {
                // Paths point into the request body, as every other 400 does: /inputs/... or /auth/...
                string prefix = validation.Target == ValidationTarget.Auth ? "/auth" : "/inputs";
                return Make(400, ProblemTypes.ValidationFailed, validation.Target == ValidationTarget.Auth ? "The credentials are not valid" : "The inputs are not valid", validation.Message,
                    [.. validation.Errors.Select(e => e with { Path = prefix + e.Path })]);
            }

            case ValidationError validation:
                return Make(500, ProblemTypes.ConnectorBug, "The connector returned data that breaks its own schema", validation.Message, validation.Errors);
            case UnknownOperationError unknown:
                return Make(404, ProblemTypes.NotFound, $"Unknown {unknown.Kind}", unknown.Message);
            case RateLimitError rateLimit:
            {
                int seconds = (int)Math.Ceiling(rateLimit.RetryAfter.TotalSeconds);
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                ProblemDetails problem = Make(429, ProblemTypes.RateLimited, "The upstream service is rate limiting", $"The upstream service asked to wait {seconds} s before retrying.");
                problem.Extensions["retry_after_seconds"] = seconds;
                return problem;
            }

            case HttpError http:
            {
                ProblemDetails problem = Make(502, ProblemTypes.UpstreamError, "The upstream service answered with an error", $"Upstream HTTP {http.Status}: {http.ResponseMessage}");
                problem.Extensions["upstream_status"] = http.Status;
                return problem;
            }

            case ResponseTooLargeError tooLarge:
            {
                ProblemDetails problem = Make(502, ProblemTypes.UpstreamResponseTooLarge, "The upstream service answered more than the connector may read", tooLarge.Message);
                problem.Extensions["limit_bytes"] = tooLarge.LimitBytes;
                problem.Extensions["upstream_status"] = tooLarge.Status;
                return problem;
            }

            case TimeoutException:
                return Make(504, ProblemTypes.UpstreamTimeout, "The upstream service did not answer in time", exception.Message);
            case TaskCanceledException when !context.RequestAborted.IsCancellationRequested:
                return Make(504, ProblemTypes.UpstreamTimeout, "The upstream service did not answer in time", "The upstream call timed out.");
            case FetchBlockedException blocked:
                return Make(400, ProblemTypes.RequestBlocked, "The connector's request was refused", blocked.Message);
            case InvalidDataException unreadable:
                return Make(502, ProblemTypes.UpstreamError, "The upstream service answered content the connector cannot read", unreadable.Message);
            case HttpRequestException request:
                return Make(502, ProblemTypes.UpstreamError, "The upstream service could not be reached", request.Message);
            case EncryptionNotConfiguredException notConfigured:
                return Make(503, ProblemTypes.NotConfigured, "Connections are not configured", notConfigured.Message);
            case CryptographicException:
                return Make(500, ProblemTypes.Internal, "The stored credentials could not be decrypted", "Check Patchbay__EncryptionKeys still lists the key the connection was saved with.");
            // Request bodies never get here (RequestBody answers its own 400 naming the line and byte): JSON that does not
            // read is what a connector was given, an upstream's answer.
            case JsonException json:
                return Make(502, ProblemTypes.UpstreamError, "The upstream service answered JSON the connector cannot read", json.Message);
            default:
                return Make(500, ProblemTypes.Internal, "Unexpected error", "Patchbay failed unexpectedly; the log has the details under this invocation id.");
        }
    }

    private static ProblemDetails Make(int status, string type, string title, string detail, IReadOnlyList<FieldError>? errors = null)
    {
        var problem = new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail };
        if (errors is { Count: > 0 })
        {
            problem.Extensions["errors"] = errors.Select(e => new { path = e.Path, message = e.Message }).ToArray();
        }

        return problem;
    }
}
