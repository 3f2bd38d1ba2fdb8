using System.Globalization;
using System.Text;
using System.Text.Json;
using Patchbay.Sdk;

namespace Patchbay.Connectors.Slack;

/// <summary>
/// Calls Slack Web API methods. Slack answers most failures with HTTP 200 and <c>{"ok": false, "error": "code"}</c>;
/// those become <see cref="SlackApiException"/>. HTTP errors and 429s stay the SDK's (<see cref="HttpError"/>, <see cref="RateLimitError"/>).
/// </summary>
internal static class SlackApi
{
    public const string BaseUrl = "https://slack.com/api/";

    /// <summary>Pages one call may follow.</summary>
    public const int MaxPages = 20;

    /// <summary>Calls a read method with its arguments in the query string.</summary>
    public static async Task<JsonElement> GetAsync(ConnectorContext context, string method, IReadOnlyDictionary<string, object?> query, CancellationToken cancellationToken)
    {
        FetchResponse response = await context.FetchAsync(BaseUrl + method, query: query, cancellationToken: cancellationToken).ConfigureAwait(false);
        return EnsureOk(method, response.Data);
    }

    /// <summary>Calls a write method with a JSON body, labelled UTF-8 as Slack asks.</summary>
    public static async Task<JsonElement> PostJsonAsync(ConnectorContext context, string method, JsonElement body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body.GetRawText(), Encoding.UTF8, "application/json");
        FetchResponse response = await context.FetchAsync(BaseUrl + method, HttpMethod.Post, body: content, cancellationToken: cancellationToken).ConfigureAwait(false);
        return EnsureOk(method, response.Data);
    }

    /// <summary><c>response_metadata.next_cursor</c>, or null when it is missing or empty (the last page).</summary>
    public static string? NextCursor(JsonElement data) =>
        data.TryGetProperty("response_metadata", out JsonElement meta) && meta.ValueKind == JsonValueKind.Object
        && meta.TryGetProperty("next_cursor", out JsonElement cursor) && cursor.ValueKind == JsonValueKind.String
        && cursor.GetString() is { Length: > 0 } value
            ? value
            : null;

    /// <summary>A time as a Slack ts: Unix seconds with six decimals, e.g. <c>1715342400.000000</c>.</summary>
    public static string ToSlackTs(DateTimeOffset time)
    {
        decimal seconds = (decimal)(time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerSecond;
        return seconds.ToString("F6", CultureInfo.InvariantCulture);
    }

    public static string? String(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static bool Bool(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.True;

    public static long? Long(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && v.TryGetInt64(out long n) ? n : null;

    private static JsonElement EnsureOk(string method, JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"Slack answered {method} with {data.ValueKind}, not a JSON object.");
        }

        if (data.TryGetProperty("ok", out JsonElement ok) && ok.ValueKind == JsonValueKind.True)
        {
            return data;
        }

        throw new SlackApiException(method, String(data, "error") ?? "unknown_error", String(data, "needed"), Details(data));
    }

    /// <summary><c>response_metadata.messages</c>: Slack's explanations for invalid_arguments and the like.</summary>
    private static List<string> Details(JsonElement data)
    {
        if (!data.TryGetProperty("response_metadata", out JsonElement meta) || meta.ValueKind != JsonValueKind.Object
            || !meta.TryGetProperty("messages", out JsonElement messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return messages.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!).ToList();
    }
}

/// <summary>Slack answered <c>ok: false</c>; <see cref="Error"/> is Slack's error code, e.g. <c>channel_not_found</c>.</summary>
public sealed class SlackApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SlackApiException(string method, string error, string? needed = null, IReadOnlyList<string>? details = null)
        : base(Describe(method, error, needed, details))
    {
        Method = method;
        Error = error;
        Needed = needed;
    }

    /// <summary>The Web API method that failed, e.g. <c>chat.postMessage</c>.</summary>
    public string Method { get; }

    /// <summary>Slack's error code.</summary>
    public string Error { get; }

    /// <summary>For <c>missing_scope</c>: the scope the token lacks.</summary>
    public string? Needed { get; }

    private static string Describe(string method, string error, string? needed, IReadOnlyList<string>? details)
    {
        var text = new StringBuilder("Slack error: ").Append(error).Append(" (").Append(method);
        if (needed is not null)
        {
            text.Append("; the token needs the ").Append(needed).Append(" scope");
        }

        if (details is { Count: > 0 })
        {
            text.Append("; ").Append(string.Join("; ", details));
        }

        return text.Append(')').ToString();
    }
}
