using System.Globalization;

namespace Patchbay.Sdk.Fetch;

/// <summary>Timeouts, retries and the network guard for <see cref="FetchClient"/>.</summary>
/// <remarks>
/// A settable bag: <see cref="FetchClient"/> validates it once, copies it, and reports every problem in one
/// <see cref="ArgumentException"/>. Changing the bag afterwards has no effect on that client.
/// </remarks>
public sealed class FetchOptions
{
    /// <summary>Per-attempt timeout, covering the redirects and reading the body. <value>Default: 30 seconds.</value></summary>
    public TimeSpan Timeout { get; set; } = FetchConstants.DefaultTimeout;

    /// <summary>Retries after the first attempt; 0 turns retries off. <value>Default: 3.</value></summary>
    public int MaxRetries { get; set; } = FetchConstants.DefaultMaxRetries;

    /// <summary>First backoff delay; doubles each retry, with jitter. <value>Default: 1 second.</value></summary>
    public TimeSpan BaseDelay { get; set; } = FetchConstants.DefaultBaseDelay;

    /// <summary>The longest Retry-After the client sleeps through; longer raises <see cref="RateLimitError"/> at once. <value>Default: 30 seconds.</value></summary>
    public TimeSpan MaxRetryAfter { get; set; } = FetchConstants.DefaultMaxRetryAfter;

    /// <summary>
    /// Whether loopback, private and other addresses that are not globally reachable may be reached (local
    /// development, tests). Link-local and cloud metadata addresses never; see <see cref="NetworkAddressPolicy"/>.
    /// <value>Default: false.</value>
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>
    /// An outbound proxy for every request (<c>http://host:port</c>), or <see langword="null"/> to connect
    /// directly. System proxy settings (HTTP_PROXY and the like) are never used. With a proxy the guard checks
    /// each request's host as Patchbay resolves it before sending; the proxy resolves it again on its own
    /// (see <see cref="NetworkGuard"/>). <value>Default: null.</value>
    /// </summary>
    public Uri? Proxy { get; set; }

    /// <summary>Redirects followed per request, each one checked like the first. <value>Default: 5.</value></summary>
    public int MaxRedirects { get; set; } = FetchConstants.DefaultMaxRedirects;

    /// <summary>
    /// The most bytes of a response body (after decompression) a request reads; a longer body ends the request with
    /// <see cref="ResponseTooLargeError"/> without reading the rest, and is not retried. A call may set its own limit
    /// (<c>maxResponseBytes</c> on <see cref="ConnectorContext.FetchAsync"/>). Between 1 byte and 1 GiB.
    /// <value>Default: 10 MiB (10485760).</value>
    /// </summary>
    public long MaxResponseBytes { get; set; } = FetchConstants.DefaultMaxResponseBytes;

    /// <summary>Throws one <see cref="ArgumentException"/> naming every invalid value.</summary>
    /// <exception cref="ArgumentException">One or more values are out of range.</exception>
    public void Validate()
    {
        IReadOnlyList<string> errors = GetValidationErrors();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid FetchOptions: " + string.Join(" ", errors));
        }
    }

    internal IReadOnlyList<string> GetValidationErrors()
    {
        List<string>? errors = null;
        void Add(string error) => (errors ??= []).Add(error);

        if (Timeout <= TimeSpan.Zero || Timeout > FetchConstants.MaxTimeSpan)
        {
            Add(Invariant($"Timeout must be greater than zero and at most 1 day (was {Timeout})."));
        }

        if (MaxRetries is < 0 or > FetchConstants.MaxRetriesLimit)
        {
            Add(Invariant($"MaxRetries must be between 0 and {FetchConstants.MaxRetriesLimit} (was {MaxRetries})."));
        }

        if (BaseDelay < TimeSpan.Zero || BaseDelay > FetchConstants.MaxTimeSpan)
        {
            Add(Invariant($"BaseDelay must be between zero and 1 day (was {BaseDelay})."));
        }

        if (MaxRetryAfter < TimeSpan.Zero || MaxRetryAfter > FetchConstants.MaxTimeSpan)
        {
            Add(Invariant($"MaxRetryAfter must be between zero and 1 day (was {MaxRetryAfter})."));
        }

        if (MaxResponseBytes is < 1 or > FetchConstants.MaxResponseBytesLimit)
        {
            Add(Invariant($"MaxResponseBytes must be between 1 and {FetchConstants.MaxResponseBytesLimit} (was {MaxResponseBytes})."));
        }

        if (MaxRedirects is < 0 or > FetchConstants.MaxRedirectsLimit)
        {
            Add(Invariant($"MaxRedirects must be between 0 and {FetchConstants.MaxRedirectsLimit} (was {MaxRedirects})."));
        }

        if (NetworkGuard.GetProxyError(Proxy) is { } proxyError)
        {
            Add(proxyError);
        }

        return (IReadOnlyList<string>?)errors ?? [];
    }

    internal FetchOptions Clone() => (FetchOptions)MemberwiseClone();

    /// <summary>The guard these options describe.</summary>
    internal NetworkGuard CreateNetworkGuard() => new(AllowPrivateNetworks, Proxy);

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
