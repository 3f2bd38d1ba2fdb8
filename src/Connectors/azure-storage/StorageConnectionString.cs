using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Patchbay.Connectors.AzureStorage;

/// <summary>
/// Checks a storage connection string without calling Azure, so a malformed one is refused as bad credentials (400)
/// instead of failing inside the Azure SDK (500). Messages name settings, never their values.
/// </summary>
internal static class StorageConnectionString
{
    private const string Example = "DefaultEndpointsProtocol=https;AccountName=<account>;AccountKey=<key>;EndpointSuffix=core.windows.net";

    private static readonly string[] Endpoints =
    [
        "BlobEndpoint", "QueueEndpoint", "TableEndpoint", "FileEndpoint",
        "BlobSecondaryEndpoint", "QueueSecondaryEndpoint", "TableSecondaryEndpoint", "FileSecondaryEndpoint",
    ];

    private static readonly HashSet<string> Known = new(
        ["DefaultEndpointsProtocol", "AccountName", "AccountKey", "SharedAccessSignature", "EndpointSuffix", "UseDevelopmentStorage", "DevelopmentStorageProxyUri", .. Endpoints],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>What is wrong with <paramref name="connectionString"/>, or <see langword="null"/> when the Azure SDK accepts it.</summary>
    public static string? FindProblem(string connectionString)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string[] parts = connectionString.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return "has no settings; copy it from the storage account's Access keys blade: " + Example;
        }

        for (int i = 0; i < parts.Length; i++)
        {
            int equals = parts[i].IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                return $"is not a connection string: setting {i + 1} has no '=' (settings are name=value pairs separated by ';', e.g. {Example})";
            }

            string name = parts[i][..equals].Trim();
            if (name.Length == 0)
            {
                return $"setting {i + 1} has no name before its '='";
            }

            if (!Known.Contains(name))
            {
                // A name that is not a word may be part of a pasted key: do not repeat it.
                bool printable = name.Length <= 40 && name.All(char.IsAsciiLetter);
                return (printable ? $"has an unknown setting '{name}'" : $"setting {i + 1} has a name that is not a connection string setting")
                    + "; use " + string.Join(", ", Known.Order(StringComparer.Ordinal));
            }

            if (!settings.TryAdd(name, parts[i][(equals + 1)..].Trim()))
            {
                return $"sets {name} more than once";
            }
        }

        return FindValueProblem(settings) ?? FindCombinationProblem(settings) ?? FindSdkProblem(connectionString);
    }

    private static string? FindValueProblem(Dictionary<string, string> settings)
    {
        if (settings.TryGetValue("DefaultEndpointsProtocol", out string? protocol) && protocol is not ("http" or "https" or "HTTP" or "HTTPS"))
        {
            return "DefaultEndpointsProtocol must be https (or http, for a local emulator)";
        }

        if (settings.TryGetValue("AccountKey", out string? key) && (key.Length == 0 || !Convert.TryFromBase64String(key, new byte[key.Length], out _)))
        {
            return "AccountKey is not base64: copy key1 or key2 again from the storage account's Access keys blade";
        }

        foreach (string endpoint in Endpoints.Append("DevelopmentStorageProxyUri"))
        {
            if (settings.TryGetValue(endpoint, out string? url)
                && (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
            {
                return $"{endpoint} must be an http or https URL such as https://<account>.blob.core.windows.net";
            }
        }

        if (settings.TryGetValue("UseDevelopmentStorage", out string? development) && !string.Equals(development, "true", StringComparison.OrdinalIgnoreCase))
        {
            return "UseDevelopmentStorage must be true, or left out";
        }

        return null;
    }

    private static string? FindCombinationProblem(Dictionary<string, string> settings)
    {
        if (settings.ContainsKey("UseDevelopmentStorage"))
        {
            return null;
        }

        bool hasName = settings.ContainsKey("AccountName");
        bool hasKey = settings.ContainsKey("AccountKey");
        bool hasSas = settings.ContainsKey("SharedAccessSignature");
        if (hasKey && !hasName)
        {
            return "has an AccountKey but no AccountName";
        }

        if (hasName && !hasKey && !hasSas)
        {
            return "names an account but no credential: add AccountKey or SharedAccessSignature";
        }

        if (!hasName && !Endpoints.Any(settings.ContainsKey))
        {
            return "names no account: give AccountName with AccountKey, or BlobEndpoint/QueueEndpoint with SharedAccessSignature";
        }

        return null;
    }

    // The Azure SDK has the last word; its messages are not repeated, as they may quote the string.
    private static string? FindSdkProblem(string connectionString)
    {
        try
        {
            _ = new BlobServiceClient(connectionString);
            _ = new QueueServiceClient(connectionString);
            return null;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            return "is not a connection string the Azure SDK accepts; copy it from the storage account's Access keys blade: " + Example;
        }
    }
}
