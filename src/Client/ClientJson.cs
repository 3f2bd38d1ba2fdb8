using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Patchbay.Client;

/// <summary>How the client writes and reads Patchbay's JSON: snake_case names, nulls left out.</summary>
internal static class ClientJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static T Read<T>(JsonElement element) =>
        element.Deserialize<T>(Options) ?? throw new PatchbayException($"Patchbay answered null where {typeof(T).Name} was expected.");

    public static JsonElement ToElement(object? value) =>
        value switch
        {
            null => JsonDocument.Parse("null").RootElement.Clone(),
            JsonElement element => element.Clone(),
            _ => JsonSerializer.SerializeToElement(value, value.GetType(), Options),
        };
}
