using System.ComponentModel.DataAnnotations;

namespace Patchbay.Platform.Hosting;

/// <summary>The <c>Patchbay__*</c> settings (see README "Settings").</summary>
public sealed class PatchbayOptions
{
    public const string Section = "Patchbay";

    /// <summary>Comma-separated keys accepted on <c>x-functions-key</c> / <c>?code=</c> when running standalone.</summary>
    public string? ApiKeys { get; set; }

    /// <summary><c>keyId:base64-32-bytes</c>, comma-separated; the first encrypts, all decrypt.</summary>
    public string? EncryptionKeys { get; set; }

    /// <summary>Lets connectors reach loopback and private addresses (local development, tests).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Subscriptions polled at once per tick.</summary>
    [Range(1, 256)]
    public int PollingConcurrency { get; set; } = 8;

    /// <summary>Request body limit in bytes.</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>Failed polls in a row before a subscription is paused.</summary>
    [Range(1, 1000)]
    public int MaxConsecutiveFailures { get; set; } = 10;

    public IReadOnlyList<string> ApiKeyList =>
        (ApiKeys ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
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
    public const string ApiKeys = "Patchbay__ApiKeys";
    public const string EncryptionKeys = "Patchbay__EncryptionKeys";
    public const string AllowPrivateNetworks = "Patchbay__AllowPrivateNetworks";
    public const string PollingConcurrency = "Patchbay__PollingConcurrency";
    public const string MaxRequestBytes = "Patchbay__MaxRequestBytes";
    public const string MaxConsecutiveFailures = "Patchbay__MaxConsecutiveFailures";
    public const string AppInsightsConnectionString = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>What Core Tools (<c>func start</c>) needs in local.settings.json; in Azure the Flex Consumption plan takes it from <c>functionAppConfig.runtime</c>.</summary>
    public const string WorkerRuntime = "FUNCTIONS_WORKER_RUNTIME";

    /// <summary>Settings only meaningful on a developer machine (a connection string such as Azurite's, private networks).</summary>
    public static IReadOnlyList<string> LocalOnly { get; } = [Storage, AllowPrivateNetworks];

    /// <summary>Settings only the standalone host reads (its own key check; under the Functions host the host checks function keys).</summary>
    public static IReadOnlyList<string> StandaloneOnly { get; } = [ApiKeys];

    /// <summary>Settings the app reads in Azure (identity-based storage, no connection string); exactly the function app's app settings.</summary>
    public static IReadOnlyList<string> Azure { get; } =
    [
        StorageCredential, StorageClientId, StorageTableServiceUri, StorageQueueServiceUri, StorageBlobServiceUri,
        PollingSchedule, EncryptionKeys, PollingConcurrency, MaxRequestBytes, MaxConsecutiveFailures, AppInsightsConnectionString,
    ];

    /// <summary>Settings only Azure has: the identity-based storage connection and Application Insights (unset locally: no telemetry export).</summary>
    public static IReadOnlyList<string> AzureOnly { get; } =
        [StorageCredential, StorageClientId, StorageTableServiceUri, StorageQueueServiceUri, StorageBlobServiceUri, AppInsightsConnectionString];

    public const string DefaultPollingSchedule = "0 */1 * * * *";
}
