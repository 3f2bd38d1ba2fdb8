using System.Text.Json;

namespace Patchbay.Testing.Functions.Functions;

/// <summary>
/// The host.json settings the double honours: <c>extensions.http.routePrefix</c> (default <c>api</c>) and the queue
/// trigger's <c>extensions.queues</c> (see <see cref="QueuesOptions"/>).
/// </summary>
internal static class HostJson
{
    public const string DefaultRoutePrefix = "api";

    public static string ReadRoutePrefix(string functionAppDirectory)
    {
        using JsonDocument? document = Read(functionAppDirectory);
        return document is not null
            && Find(document.RootElement, "extensions") is { } extensions
            && Find(extensions, "http") is { } http
            && Find(http, "routePrefix") is { ValueKind: JsonValueKind.String } prefix
            ? prefix.GetString()!
            : DefaultRoutePrefix;
    }

    /// <summary>
    /// <c>extensions.queues</c> as the Storage Queues extension (5.x) reads it, with its defaults and range checks:
    /// batchSize 16 (1–32), newBatchThreshold batchSize/2 × processors, maxDequeueCount 5 (at least 1), visibilityTimeout 0,
    /// maxPollingInterval 1 min (at least 100 ms), messageEncoding base64 (or none).
    /// </summary>
    public static QueuesOptions ReadQueues(string functionAppDirectory)
    {
        using JsonDocument? document = Read(functionAppDirectory);
        JsonElement? queues = document is not null && Find(document.RootElement, "extensions") is { } extensions ? Find(extensions, "queues") : null;
        int batchSize = Int(queues, "batchSize") ?? 16;
        if (batchSize is < 1 or > 32)
        {
            throw new InvalidDataException($"host.json extensions.queues.batchSize is {batchSize}; the queue extension takes 1 to 32.");
        }

        int newBatchThreshold = Int(queues, "newBatchThreshold") ?? (batchSize / 2 * Environment.ProcessorCount);
        int maxDequeueCount = Int(queues, "maxDequeueCount") ?? 5;
        if (maxDequeueCount < 1 || newBatchThreshold < 0)
        {
            throw new InvalidDataException("host.json extensions.queues: maxDequeueCount must be at least 1 and newBatchThreshold at least 0.");
        }

        TimeSpan visibilityTimeout = Span(queues, "visibilityTimeout") ?? TimeSpan.Zero;
        TimeSpan maxPollingInterval = Span(queues, "maxPollingInterval") ?? TimeSpan.FromMinutes(1);
        if (maxPollingInterval < TimeSpan.FromMilliseconds(100) || visibilityTimeout < TimeSpan.Zero)
        {
            throw new InvalidDataException("host.json extensions.queues: maxPollingInterval must be at least 00:00:00.100 and visibilityTimeout not negative.");
        }

        string encoding = queues is { } q && Find(q, "messageEncoding") is { ValueKind: JsonValueKind.String } value ? value.GetString()! : "base64";
        bool base64 = encoding.ToUpperInvariant() switch
        {
            "BASE64" => true,
            "NONE" => false,
            _ => throw new InvalidDataException($"host.json extensions.queues.messageEncoding is '{encoding}'; the queue extension takes base64 or none."),
        };
        return new QueuesOptions(batchSize, newBatchThreshold, maxDequeueCount, visibilityTimeout, maxPollingInterval, base64);
    }

    private static JsonDocument? Read(string functionAppDirectory)
    {
        string path = Path.Combine(functionAppDirectory, "host.json");
        return File.Exists(path)
            ? JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip })
            : null;
    }

    private static int? Int(JsonElement? section, string name) =>
        section is { } s && Find(s, name) is { } value
            ? value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) ? number
              : throw new InvalidDataException($"host.json extensions.queues.{name} is not an integer.")
            : null;

    private static TimeSpan? Span(JsonElement? section, string name) =>
        section is { } s && Find(s, name) is { } value
            ? value.ValueKind == JsonValueKind.String && TimeSpan.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture, out TimeSpan span) ? span
              : throw new InvalidDataException($"host.json extensions.queues.{name} is not a time span (hh:mm:ss).")
            : null;

    private static JsonElement? Find(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }
}

/// <summary>host.json's <c>extensions.queues</c>, as the double applies it to every queue trigger.</summary>
/// <param name="BatchSize">Messages fetched at once per queue function.</param>
/// <param name="NewBatchThreshold">The next fetch happens when this few messages of the function are still running.</param>
/// <param name="MaxDequeueCount">Attempts at a message before it goes to the poison queue.</param>
/// <param name="VisibilityTimeout">How long a failed message stays invisible before its next attempt.</param>
/// <param name="MaxPollingInterval">The longest wait between two polls of an empty queue.</param>
/// <param name="Base64">Whether message text is base64 (the default <c>messageEncoding</c>).</param>
public sealed record QueuesOptions(int BatchSize, int NewBatchThreshold, int MaxDequeueCount, TimeSpan VisibilityTimeout, TimeSpan MaxPollingInterval, bool Base64);
