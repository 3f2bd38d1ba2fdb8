using System.ComponentModel.DataAnnotations;

namespace Patchbay.Client;

/// <summary>Where Patchbay is, the key to call it with, and how long and how often to try.</summary>
/// <example>
/// <code>
/// var client = new PatchbayClient(new PatchbayClientOptions { Endpoint = new Uri("http://localhost:7071"), ApiKey = "dev-key" });
/// </code>
/// </example>
public sealed class PatchbayClientOptions
{
    /// <summary>The app's base address, e.g. <c>https://my-app.azurewebsites.net</c>; routes are under <c>/api</c>.</summary>
    [Required]
    public Uri? Endpoint { get; set; }

    /// <summary>A function key (Azure) or one of <c>Patchbay__ApiKeys</c> (standalone), sent as <c>x-functions-key</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long one call may take, retries included (default 100 s). Long polls add their own wait to it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Retries for idempotent calls (GET, DELETE) after a network error, 408, 429, 502, 503 or 504 (default 3, at most 10). POST is never retried.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; each next one doubles, with jitter (default 200 ms).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest <c>Retry-After</c> the client waits for before it gives up (default 30 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    internal PatchbayClientOptions Validated()
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true))
        {
            throw new ArgumentException("PatchbayClientOptions are not valid: " + string.Join(" ", results.Select(r => r.ErrorMessage)));
        }

        if (!Endpoint!.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"PatchbayClientOptions.Endpoint must be an absolute http or https URL, not '{Endpoint}'.");
        }

        return new PatchbayClientOptions
        {
            Endpoint = Endpoint,
            ApiKey = ApiKey,
            Timeout = Timeout,
            MaxRetries = MaxRetries,
            RetryDelay = RetryDelay,
            MaxRetryAfter = MaxRetryAfter,
        };
    }
}
