using System.Text;
using System.Text.Json;

namespace Patchbay.Connectors.Http;

/// <summary>Reads the inputs both operations share: the URL with its query, and JSON Pointers.</summary>
internal static class HttpInputs
{
    public static string? GetString(JsonElement inputs, string name) =>
        inputs.ValueKind == JsonValueKind.Object && inputs.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static JsonElement Get(JsonElement inputs, string name) =>
        inputs.ValueKind == JsonValueKind.Object && inputs.TryGetProperty(name, out JsonElement value) ? value : default;

    /// <summary>The URL as an absolute http(s) URI, or <see langword="null"/>.</summary>
    public static Uri? ParseUrl(string? url) =>
        Uri.TryCreate(url?.Trim(), UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;

    /// <summary>Appends <paramref name="query"/> to <paramref name="url"/>: arrays repeat the key, objects become JSON, nulls are skipped.</summary>
    public static string WithQuery(Uri url, JsonElement query)
    {
        if (query.ValueKind != JsonValueKind.Object)
        {
            return url.AbsoluteUri;
        }

        var pairs = new StringBuilder();
        foreach (JsonProperty parameter in query.EnumerateObject())
        {
            IEnumerable<JsonElement> values = parameter.Value.ValueKind == JsonValueKind.Array ? parameter.Value.EnumerateArray() : [parameter.Value];
            foreach (JsonElement value in values)
            {
                if (Format(value) is not { } text)
                {
                    continue;
                }

                if (pairs.Length > 0) pairs.Append('&');
                pairs.Append(Uri.EscapeDataString(parameter.Name)).Append('=').Append(Uri.EscapeDataString(text));
            }
        }

        if (pairs.Length == 0)
        {
            return url.AbsoluteUri;
        }

        string head = url.GetLeftPart(UriPartial.Query); // the fragment is never sent
        string separator = !head.Contains('?', StringComparison.Ordinal) ? "?" : head.EndsWith('?') || head.EndsWith('&') ? string.Empty : "&";
        return head + separator + pairs;
    }

    /// <summary>Resolves an RFC 6901 JSON Pointer; <c>""</c> is the whole document.</summary>
    public static bool TryResolvePointer(JsonElement document, string pointer, out JsonElement value)
    {
        value = document;
        if (pointer.Length == 0)
        {
            return true;
        }

        if (pointer[0] != '/')
        {
            return false;
        }

        foreach (string raw in pointer[1..].Split('/'))
        {
            string token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty(token, out JsonElement child))
            {
                value = child;
            }
            else if (value.ValueKind == JsonValueKind.Array && int.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index)
                     && index < value.GetArrayLength() && (token == "0" || token[0] != '0'))
            {
                value = value[index];
            }
            else
            {
                value = default;
                return false;
            }
        }

        return true;
    }

    private static string? Format(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };
}
