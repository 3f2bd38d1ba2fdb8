namespace Patchbay.Sdk.Fetch;

/// <summary>Timeouts, retries and the network guard for <see cref="FetchClient"/>.</summary>
public sealed class FetchOptions
{
    /// <summary>Per-attempt timeout. <value>Default: 30 seconds.</value></summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt. <value>Default: 3.</value></summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First backoff delay; doubles each retry, with jitter. <value>Default: 1 second.</value></summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest Retry-After the client sleeps through; longer raises <see cref="RateLimitError"/> at once. <value>Default: 30 seconds.</value></summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether loopback and private addresses may be reached (local development, tests). Link-local never. <value>Default: false.</value></summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Redirects followed per request, each one checked like the first. <value>Default: 5.</value></summary>
    public int MaxRedirects { get; set; } = 5;
}
