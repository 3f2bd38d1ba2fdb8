using System.Collections.Concurrent;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Patchbay.Sdk;
using Patchbay.Sdk.Fetch;

namespace Patchbay.Connectors.AzureStorage;

/// <summary>
/// The storage account a call's credentials point at: a connection string, or blob and queue endpoint
/// URLs with a Microsoft Entra ID credential. Creates the Azure SDK clients for it.
/// </summary>
/// <remarks>
/// Clients are created per call (cheap: they share one transport). What is expensive to create is
/// cached in statics, because handlers are shared singletons: the HTTP transport (one per network guard,
/// see <see cref="StorageNetwork"/>), and the token credentials, which hold their token caches.
/// Credentials are keyed by managed identity client id, never by a secret, so the cache stays tiny.
/// </remarks>
public sealed class AzureStorageAccount
{
    private static readonly ConcurrentDictionary<string, TokenCredential> s_credentials = new(StringComparer.OrdinalIgnoreCase);

    private AzureStorageAccount(NetworkGuard network, string? connectionString, Uri? blobServiceUri, Uri? queueServiceUri, string? managedIdentityClientId)
    {
        Network = network;
        ConnectionString = connectionString;
        BlobServiceUri = blobServiceUri;
        QueueServiceUri = queueServiceUri;
        ManagedIdentityClientId = managedIdentityClientId;
    }

    /// <summary>The platform's network guard the storage requests go through.</summary>
    public NetworkGuard Network { get; }

    /// <summary>The connection string, when the credentials carry one.</summary>
    public string? ConnectionString { get; }

    /// <summary>The blob endpoint, for Entra ID auth.</summary>
    public Uri? BlobServiceUri { get; }

    /// <summary>The queue endpoint, for Entra ID auth: <c>queue_account_url</c> or derived from <c>account_url</c>.</summary>
    public Uri? QueueServiceUri { get; }

    /// <summary>The user-assigned managed identity to use, if any.</summary>
    public string? ManagedIdentityClientId { get; }

    /// <summary>
    /// The token credential for Entra ID auth (<see cref="ManagedIdentityCredential"/> with a client id,
    /// else <see cref="DefaultAzureCredential"/>); <see langword="null"/> with a connection string.
    /// </summary>
    public TokenCredential? Credential => ConnectionString is not null
        ? null
        : s_credentials.GetOrAdd(ManagedIdentityClientId ?? string.Empty, static id => id.Length == 0
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(id)));

    /// <summary>Reads the account from a call's credentials; its requests go through the platform's network guard.</summary>
    /// <exception cref="ValidationError">
    /// Neither or both of connection_string and account_url are set, the connection string is malformed (its syntax, an
    /// AccountKey that is not base64, a setting the Azure SDK refuses), or a URL is not an Azure Storage endpoint.
    /// </exception>
    public static AzureStorageAccount FromContext(ConnectorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return FromAuth(context.Auth, context.Network);
    }

    /// <summary>Reads the account from the connector's credentials.</summary>
    /// <param name="auth">The credentials.</param>
    /// <param name="network">The network guard its requests go through (<see cref="ConnectorContext.Network"/>).</param>
    /// <exception cref="ValidationError">
    /// Neither or both of connection_string and account_url are set, the connection string is malformed (its syntax, an
    /// AccountKey that is not base64, a setting the Azure SDK refuses), or a URL is not an Azure Storage endpoint.
    /// </exception>
    public static AzureStorageAccount FromAuth(ConnectorAuth auth, NetworkGuard network)
    {
        ArgumentNullException.ThrowIfNull(auth);
        ArgumentNullException.ThrowIfNull(network);
        string? connectionString = Blank(auth.GetCredential("connection_string"));
        string? accountUrl = Blank(auth.GetCredential("account_url"));
        string? queueAccountUrl = Blank(auth.GetCredential("queue_account_url"));
        string? clientId = Blank(auth.GetCredential("managed_identity_client_id"));

        // The manifest's oneOf says this too; checking here keeps the message plain whatever the validator prints.
        if (connectionString is not null)
        {
            if (accountUrl is not null || queueAccountUrl is not null || clientId is not null)
            {
                throw AuthError("", "give either connection_string or account_url (with optional queue_account_url and managed_identity_client_id), not both");
            }

            if (StorageConnectionString.FindProblem(connectionString) is { } problem)
            {
                throw AuthError("/connection_string", problem);
            }

            return new AzureStorageAccount(network, connectionString, null, null, null);
        }

        if (accountUrl is null)
        {
            throw AuthError("", "is missing a storage account: give connection_string, or account_url (e.g. https://myaccount.blob.core.windows.net)");
        }

        Uri blob = ParseEndpoint(accountUrl, "/account_url", "blob");
        Uri queue = queueAccountUrl is not null
            ? ParseEndpoint(queueAccountUrl, "/queue_account_url", "queue")
            : new UriBuilder(blob) { Host = SwapService(blob.Host) }.Uri;
        return new AzureStorageAccount(network, null, blob, queue, clientId);
    }

    /// <summary>A blob service client for this account.</summary>
    /// <exception cref="ValidationError">The connection string's blob endpoint is an IPv6 literal, which the Azure SDK cannot address.</exception>
    public BlobServiceClient CreateBlobServiceClient()
    {
        var options = new BlobClientOptions { Transport = StorageNetwork.GetTransport(Network), RetryPolicy = StorageNetwork.CreateRetryPolicy() };
        return ConnectionString is not null
            ? CheckEndpoint(new BlobServiceClient(ConnectionString, options), c => c.Uri, "blob")
            : new BlobServiceClient(BlobServiceUri!, Credential!, options);
    }

    /// <summary>A queue service client for this account.</summary>
    /// <exception cref="ValidationError">The connection string's queue endpoint is an IPv6 literal, which the Azure SDK cannot address.</exception>
    public QueueServiceClient CreateQueueServiceClient(QueueMessageEncoding encoding = QueueMessageEncoding.None)
    {
        var options = new QueueClientOptions { Transport = StorageNetwork.GetTransport(Network), RetryPolicy = StorageNetwork.CreateRetryPolicy(), MessageEncoding = encoding };
        return ConnectionString is not null
            ? CheckEndpoint(new QueueServiceClient(ConnectionString, options), c => c.Uri, "queue")
            : new QueueServiceClient(QueueServiceUri!, Credential!, options);
    }

    // The Azure SDK builds request URIs as text and fails on an IPv6 literal host with a FormatException;
    // answer the caller instead (nothing has been sent).
    private static T CheckEndpoint<T>(T client, Func<T, Uri> uri, string service) => uri(client).HostNameType == UriHostNameType.IPv6
        ? throw AuthError("/connection_string", $"names an IPv6 address as its {service} endpoint; the Azure SDK cannot send to IPv6 literals, use a host name")
        : client;

    /// <summary>Says which kind of auth this is; never prints the connection string.</summary>
    public override string ToString() => ConnectionString is not null
        ? "AzureStorageAccount(connection_string=redacted)"
        : $"AzureStorageAccount(blob={BlobServiceUri}, queue={QueueServiceUri}, managed_identity_client_id={ManagedIdentityClientId ?? "none"})";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    // Entra ID auth sends the platform's own token to this URL, so it must be an Azure Storage endpoint:
    // a caller must not be able to point it at a host of their own and collect the token.
    private static Uri ParseEndpoint(string url, string path, string service)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw AuthError(path, $"must be an https URL such as https://myaccount.{service}.core.windows.net");
        }

        string[] labels = uri.Host.Split('.');
        int serviceLabel = Array.IndexOf(labels, service, 1);
        bool azureHost = serviceLabel is 1 or 2
            && (serviceLabel == 1 || labels[1].StartsWith('z'))
            && StorageSuffixes.Contains(string.Join('.', labels[(serviceLabel + 1)..]))
            && uri.IsDefaultPort
            && string.IsNullOrEmpty(uri.Query)
            && uri.AbsolutePath == "/";
        if (!azureHost)
        {
            throw AuthError(path, $"must be an Azure Storage {service} endpoint such as https://myaccount.{service}.core.windows.net (no path or query)");
        }

        return uri;
    }

    private static string SwapService(string blobHost)
    {
        int index = blobHost.IndexOf(".blob.", StringComparison.Ordinal);
        return string.Concat(blobHost.AsSpan(0, index), ".queue.", blobHost.AsSpan(index + ".blob.".Length));
    }

    private static readonly HashSet<string> StorageSuffixes = new(StringComparer.Ordinal)
    {
        "core.windows.net", "core.usgovcloudapi.net", "core.chinacloudapi.cn", "storage.azure.net",
    };

    private static ValidationError AuthError(string path, string message) =>
        new(ValidationTarget.Auth, "azure-storage", [new FieldError(path, message)]);
}
