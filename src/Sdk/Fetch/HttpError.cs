using System.Text.Json;

namespace Patchbay.Sdk;

/// <summary>The upstream answered a non-2xx status (after any retries).</summary>
public class HttpError : Exception
{
    /// <summary>Creates the error.</summary>
    public HttpError(int status, string message, JsonElement responseData = default, Exception? innerException = null)
        : base($"HTTP {status}: {message}", innerException)
    {
        Status = status;
        ResponseMessage = message;
        ResponseData = responseData;
    }

    /// <summary>The upstream status code.</summary>
    public int Status { get; }

    /// <summary>A short description of the answer (its reason phrase or error text).</summary>
    public string ResponseMessage { get; }

    /// <summary>The answer's body, parsed like <see cref="FetchResponse.Data"/>.</summary>
    public JsonElement ResponseData { get; }

    /// <summary>
    /// The answer's headers (case-insensitive), e.g. <c>X-RateLimit-Remaining</c> on a 403 that is really a rate limit.
    /// <value>Empty when the error did not come from an HTTP answer.</value>
    /// </summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>The upstream answered 429 and asked to wait longer than the SDK sleeps on its own.</summary>
public sealed class RateLimitError : HttpError
{
    /// <summary>Creates the error.</summary>
    public RateLimitError(TimeSpan retryAfter, string message = "Rate limit exceeded", JsonElement responseData = default)
        : base(429, message, responseData)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>How long the upstream asked callers to wait.</summary>
    public TimeSpan RetryAfter { get; }
}

/// <summary>A request was refused before it was sent: its host is outside <c>allowed_hosts</c> or its address is not allowed.</summary>
public sealed class FetchBlockedException : Exception
{
    /// <summary>Creates the error.</summary>
    public FetchBlockedException(string message, Exception? innerException = null) : base(message, innerException) { }
}

/// <summary>
/// The upstream's answer is longer than the call may read (<see cref="Fetch.FetchOptions.MaxResponseBytes"/> or the call's
/// <c>maxResponseBytes</c>): the request was ended without reading the rest, and not retried.
/// </summary>
public sealed class ResponseTooLargeError : Exception
{
    /// <summary>Creates the error.</summary>
    /// <param name="target">Method, host and path, without the query.</param>
    /// <param name="status">The upstream's status code.</param>
    /// <param name="limitBytes">The limit the body went over.</param>
    /// <param name="declaredLength">The Content-Length the upstream announced, when it was over the limit; <see langword="null"/> when the body ran over while being read.</param>
    public ResponseTooLargeError(string target, int status, long limitBytes, long? declaredLength)
        : base($"{target} answered more than the {limitBytes}-byte limit"
            + (declaredLength is { } length ? $" (Content-Length {length}), so its body was not read" : ", so reading stopped there")
            + ". Ask the service for less (a smaller page, a filter), or pass a larger maxResponseBytes to FetchAsync for this call (FetchOptions.MaxResponseBytes for every call).")
    {
        Status = status;
        LimitBytes = limitBytes;
        DeclaredLength = declaredLength;
    }

    /// <summary>The upstream's status code.</summary>
    public int Status { get; }

    /// <summary>The most bytes the call would read.</summary>
    public long LimitBytes { get; }

    /// <summary>The announced Content-Length when it was over the limit; <see langword="null"/> when the body ran over while being read.</summary>
    public long? DeclaredLength { get; }
}
