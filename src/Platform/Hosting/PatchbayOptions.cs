using System.ComponentModel.DataAnnotations;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Platform.Hosting;

/// <summary>The <c>Patchbay__*</c> settings (see README "Settings").</summary>
public sealed class PatchbayOptions : IValidatableObject
{
    public const string Section = "Patchbay";

    /// <summary>Comma-separated keys accepted on <c>x-functions-key</c> / <c>?code=</c> when running standalone.</summary>
    public string? ApiKeys { get; set; }

    /// <summary><c>keyId:base64-32-bytes</c>, comma-separated; the first encrypts, all decrypt.</summary>
    public string? EncryptionKeys { get; set; }

    /// <summary>Lets connectors and webhooks reach loopback, private and other non-global addresses (local development, tests); link-local and metadata never.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>
    /// An outbound proxy (<c>http://host:port</c>) for connector requests and webhook deliveries; empty for direct
    /// connections. HTTP_PROXY and the other system proxy variables are never used.
    /// </summary>
    public string? OutboundProxy { get; set; }

    /// <summary>
    /// Subscriptions polled at once per tick. A poll mostly waits (on the connector's upstream, then on storage), so a
    /// tick overlaps many: 64 reaches 10,000 subscriptions a minute while a poll takes up to about 0.35 s end to end
    /// (bench/RESULTS.md, "Polling tick").
    /// </summary>
    [Range(1, 256)]
    public int PollingConcurrency { get; set; } = 64;

    /// <summary>Request body limit in bytes.</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>Failed polls in a row before a subscription is paused.</summary>
    [Range(1, 1000)]
    public int MaxConsecutiveFailures { get; set; } = 10;

    /// <summary>
    /// The longest one call to Patchbay's own storage may take, retries included (also each try's network timeout).
    /// Past it the request answers 503 saying storage is unreachable.
    /// </summary>
    [Range(1, 300)]
    public int StorageTimeoutSeconds { get; set; } = 10;

    /// <summary>OAuth: the state key, allowed redirect URIs, callback URL and providers (<c>Patchbay__OAuth__*</c>).</summary>
    public OAuth.OAuthSettings OAuth { get; set; } = new();

    /// <summary><see cref="StorageTimeoutSeconds"/> as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan StorageTimeout => TimeSpan.FromSeconds(StorageTimeoutSeconds);

    public IReadOnlyList<string> ApiKeyList =>
        (ApiKeys ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary><see cref="OutboundProxy"/> as a URI; <see langword="null"/> when empty. Invalid values fail validation at start.</summary>
    public Uri? OutboundProxyUri =>
        string.IsNullOrWhiteSpace(OutboundProxy) ? null : new Uri(OutboundProxy.Trim(), UriKind.RelativeOrAbsolute);

    /// <summary>The network guard these settings describe, for every outbound client of the app.</summary>
    public NetworkGuard CreateNetworkGuard() => new(AllowPrivateNetworks, OutboundProxyUri);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(OutboundProxy) && !Uri.TryCreate(OutboundProxy.Trim(), UriKind.RelativeOrAbsolute, out _))
        {
            yield return new ValidationResult($"{SettingNames.OutboundProxy} is not a URL; use e.g. http://proxy.internal:3128, or leave it empty.", [nameof(OutboundProxy)]);
        }
        else if (NetworkGuard.GetProxyError(OutboundProxyUri) is { } error)
        {
            yield return new ValidationResult($"{SettingNames.OutboundProxy}: {error}", [nameof(OutboundProxy)]);
        }

        foreach (string uri in OAuth.AllowedRedirectUriList)
        {
            if (!Uri.TryCreate(uri, UriKind.Absolute, out Uri? parsed) || parsed.Scheme is not ("https" or "http"))
            {
                yield return new ValidationResult($"{SettingNames.OAuthAllowedRedirectUris}: '{uri}' is not an absolute http(s) URL; list the exact URLs callers may pass as redirect_uri, comma-separated.", [nameof(OAuth)]);
            }
        }

        if (!string.IsNullOrWhiteSpace(OAuth.CallbackUrl) && !Uri.TryCreate(OAuth.CallbackUrl.Trim(), UriKind.Absolute, out _))
        {
            yield return new ValidationResult($"{SettingNames.OAuthCallbackUrl} is not an absolute URL; use e.g. https://patchbay.example.com/api/oauth/callback, or leave it empty to derive it from each request.", [nameof(OAuth)]);
        }
    }
}

/// <summary>Every app setting the Function App reads, by its environment-variable name. Infra tests compare the Bicep against this list.</summary>
public static class SettingNames
{
    public const string Storage = "AzureWebJobsStorage";
    public const string StorageCredential = "AzureWebJobsStorage__credential";
    public const string StorageClientId = "AzureWebJobsStorage__clientId";
    public const string StorageTableServiceUri = "AzureWebJobsStorage__tableServiceUri";
    public const string StorageQueueServiceUri = "AzureWebJobsStorage__queueServiceUri";
    public const string StorageBlobServiceUri = "AzureWebJobsStorage__blobServiceUri";
    public const string PollingSchedule = "PollingSchedule";
    public const string PollingQueue = "PollingQueue";
    public const string ApiKeys = "Patchbay__ApiKeys";
    public const string EncryptionKeys = "Patchbay__EncryptionKeys";
    public const string AllowPrivateNetworks = "Patchbay__AllowPrivateNetworks";
    public const string OutboundProxy = "Patchbay__OutboundProxy";
    public const string PollingConcurrency = "Patchbay__PollingConcurrency";
    public const string MaxRequestBytes = "Patchbay__MaxRequestBytes";
    public const string MaxConsecutiveFailures = "Patchbay__MaxConsecutiveFailures";
    public const string StorageTimeoutSeconds = "Patchbay__StorageTimeoutSeconds";
    public const string AppInsightsConnectionString = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string OAuthStateKey = "Patchbay__OAuth__StateKey";
    public const string OAuthAllowedRedirectUris = "Patchbay__OAuth__AllowedRedirectUris";
    public const string OAuthCallbackUrl = "Patchbay__OAuth__CallbackUrl";

    /// <summary>
    /// The per-provider settings, <c>{0}</c> being the provider name (github, slack, google, microsoft or one of your own):
    /// <c>__ClientId</c>, <c>__ClientSecret</c>, <c>__AuthorizeUrl</c>, <c>__TokenUrl</c>, <c>__Scopes</c>, <c>__Pkce</c> and, for microsoft, <c>__Tenant</c>.
    /// Added per provider you register an app with; not part of <see cref="Azure"/> (the set depends on the deployment).
    /// </summary>
    public const string OAuthProviderPrefix = "Patchbay__OAuth__Providers__{0}__";

    /// <summary>What Core Tools (<c>func start</c>) needs in local.settings.json; in Azure the Flex Consumption plan takes it from <c>functionAppConfig.runtime</c>.</summary>
    public const string WorkerRuntime = "FUNCTIONS_WORKER_RUNTIME";

    /// <summary>Settings only meaningful on a developer machine (a connection string such as Azurite's, private networks).</summary>
    public static IReadOnlyList<string> LocalOnly { get; } = [Storage, AllowPrivateNetworks];

    /// <summary>
    /// OAuth settings: set when a connector uses OAuth (and then <see cref="OAuthStateKey"/> is a secret, a Key Vault reference
    /// in Azure), with <see cref="OAuthProviderPrefix"/> settings per provider. Not among <see cref="Azure"/>: infra/ does not set
    /// them, since which ones a deployment needs depends on its connectors (infra/README.md says how to add them).
    /// </summary>
    public static IReadOnlyList<string> OAuth { get; } = [OAuthStateKey, OAuthAllowedRedirectUris, OAuthCallbackUrl];

    /// <summary>Settings only the standalone host reads (its own key check; under the Functions host the host checks function keys).</summary>
    public static IReadOnlyList<string> StandaloneOnly { get; } = [ApiKeys];

    /// <summary>Settings the app reads in Azure (identity-based storage, no connection string); exactly the function app's app settings.</summary>
    public static IReadOnlyList<string> Azure { get; } =
    [
        StorageCredential, StorageClientId, StorageTableServiceUri, StorageQueueServiceUri, StorageBlobServiceUri,
        PollingSchedule, PollingQueue, EncryptionKeys, PollingConcurrency, MaxRequestBytes, MaxConsecutiveFailures, StorageTimeoutSeconds, OutboundProxy, AppInsightsConnectionString,
    ];

    /// <summary>Settings only Azure has: the identity-based storage connection and Application Insights (unset locally: no telemetry export).</summary>
    public static IReadOnlyList<string> AzureOnly { get; } =
        [StorageCredential, StorageClientId, StorageTableServiceUri, StorageQueueServiceUri, StorageBlobServiceUri, AppInsightsConnectionString];

    public const string DefaultPollingSchedule = "0 */1 * * * *";

    /// <summary>The Storage queue the isolated worker's tick writes poll batches to (standalone uses an in-process channel instead).</summary>
    public const string DefaultPollingQueue = "patchbay-polls";
}
