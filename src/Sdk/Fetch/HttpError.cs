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
