namespace Patchbay.Sdk.Fetch;

/// <summary>Defaults and bounds of <see cref="FetchOptions"/>, and the names the fetch feature registers.</summary>
public static class FetchConstants
{
    /// <summary>The named <see cref="HttpClient"/> <c>AddPatchbayFetch</c> registers with IHttpClientFactory.</summary>
    public const string HttpClientName = "Patchbay.Fetch";

    /// <summary>The Retry-After assumed when a 429 answer carries none: 60 seconds.</summary>
    public static readonly TimeSpan DefaultRateLimitRetryAfter = TimeSpan.FromSeconds(60);

    internal const int DefaultMaxRetries = 3;
    internal const int MaxRetriesLimit = 100;
    internal const int DefaultMaxRedirects = 5;
    internal const int MaxRedirectsLimit = 50;
    internal static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    internal static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan DefaultMaxRetryAfter = TimeSpan.FromSeconds(30);
    internal static readonly TimeSpan MaxTimeSpan = TimeSpan.FromDays(1);
    internal const int MaxErrorMessageLength = 200;

    /// <summary>The default <see cref="FetchOptions.MaxResponseBytes"/>: 10 MiB.</summary>
    public const long DefaultMaxResponseBytes = 10L * 1024 * 1024;

    /// <summary>The largest response body any call may read: 1 GiB.</summary>
    public const long MaxResponseBytesLimit = 1L << 30;
}
