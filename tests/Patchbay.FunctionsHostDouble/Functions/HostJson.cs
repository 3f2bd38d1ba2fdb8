using System.Text.Json;

namespace Patchbay.Testing.Functions.Functions;

/// <summary>The one host.json setting the double honours: <c>extensions.http.routePrefix</c> (default <c>api</c>).</summary>
internal static class HostJson
{
    public const string DefaultRoutePrefix = "api";

    public static string ReadRoutePrefix(string functionAppDirectory)
    {
        string path = Path.Combine(functionAppDirectory, "host.json");
        if (!File.Exists(path))
        {
            return DefaultRoutePrefix;
        }

        using JsonDocument document = JsonDocument.Parse(
            File.ReadAllText(path),
            new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        return Find(document.RootElement, "extensions") is { } extensions
            && Find(extensions, "http") is { } http
            && Find(http, "routePrefix") is { ValueKind: JsonValueKind.String } prefix
            ? prefix.GetString()!
            : DefaultRoutePrefix;
    }

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
