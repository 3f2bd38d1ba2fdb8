using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Patchbay.Sdk.Fetch;

/// <summary>
/// Builds the Polly v8 pipeline every request runs through: an outer retry
/// (<see cref="HttpRetryStrategyOptions"/>, exponential backoff with jitter) around an inner per-attempt
/// timeout (<see cref="TimeoutStrategyOptions"/>). One attempt sends the request, follows redirects and
/// reads the whole body, so a reset mid-body or a stalled body is a failed attempt too.
/// </summary>
internal static class FetchResilience
{
    /// <summary>The request being sent, read by the predicates, the delay generator and the logs.</summary>
    public static readonly ResiliencePropertyKey<FetchPlan?> PlanKey = new("Patchbay.Fetch.Plan");

    public static ResiliencePipeline<HttpResponseMessage> Build(FetchOptions options, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { Name = "Patchbay.Fetch", TimeProvider = timeProvider };
        TimeSpan maxRetryAfter = options.MaxRetryAfter;
        int maxAttempts = options.MaxRetries + 1;

        // Polly needs at least one retry attempt; MaxRetries = 0 simply leaves the strategy out.
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                // Retry-After is handled below, together with its bound.
                ShouldRetryAfterHeader = false,
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context, maxRetryAfter, timeProvider)),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { } response
                    && FetchResponseReader.GetRetryAfter(response, timeProvider) is { } retryAfter
                    && retryAfter <= maxRetryAfter
                        ? retryAfter
                        : (TimeSpan?)null),
                OnRetry = args =>
                {
                    if (args.Context.Properties.GetValue(PlanKey, null) is { } plan)
                    {
                        plan.Logger.LogWarning(
                            "Retrying {Method} {Target} after {Reason} (attempt {Attempt} of {MaxAttempts}) in {DelayMs} ms",
                            plan.Method.Method, plan.Target, Describe(args.Outcome), args.AttemptNumber + 2, maxAttempts, (long)args.RetryDelay.TotalMilliseconds);
                    }

                    return default;
                },
            });
        }

        builder.AddTimeout(new TimeoutStrategyOptions
        {
            TimeoutGenerator = static args => ValueTask.FromResult(
                args.Context.Properties.GetValue(PlanKey, null)?.Timeout ?? FetchConstants.DefaultTimeout),
        });

        return builder.Build();
    }

    /// <summary>
    /// Whether an attempt's outcome is retried. Idempotent methods: network errors, timeouts, 408 and 5xx.
    /// Every method: a connection that could not be established, and 429/503 with a Retry-After within the bound.
    /// </summary>
    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, TimeSpan maxRetryAfter, TimeProvider timeProvider)
    {
        bool idempotent = context.Properties.GetValue(PlanKey, null)?.IsIdempotent ?? false;
        if (outcome.Exception is { } exception)
        {
            return exception switch
            {
                FetchBlockedException or OperationCanceledException => false,
                TimeoutRejectedException => idempotent,
                _ when IsConnectFailure(exception) => true,
                HttpRequestException or IOException => idempotent,
                _ => false,
            };
        }

        if (outcome.Result is not { } response)
        {
            return false;
        }

        int status = (int)response.StatusCode;
        TimeSpan? retryAfter = status is 429 or 503 ? FetchResponseReader.GetRetryAfter(response, timeProvider) : null;
        return status switch
        {
            (int)HttpStatusCode.TooManyRequests => retryAfter <= maxRetryAfter,
            (int)HttpStatusCode.ServiceUnavailable when retryAfter is not null => retryAfter <= maxRetryAfter,
            (int)HttpStatusCode.RequestTimeout or >= 500 => idempotent,
            _ => false,
        };
    }

    internal static bool IsConnectFailure(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is FetchConnectException)
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        null => "HTTP " + (int)(outcome.Result?.StatusCode ?? 0),
        TimeoutRejectedException => "a timeout",
        _ when IsConnectFailure(outcome.Exception) => "a connect failure",
        HttpRequestException http => "a network error (" + http.HttpRequestError + ")",
        var other => other.GetType().Name,
    };
}
