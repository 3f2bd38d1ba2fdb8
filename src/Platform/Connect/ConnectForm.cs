using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Patchbay.Sdk;

namespace Patchbay.Platform.Connect;

/// <summary>One input of a connector's custom-auth form, drawn from a property of <c>auth.fields</c>.</summary>
public sealed record ConnectField(string Name, string Label, string? Help, string Type, bool Secret, bool Required, IReadOnlyList<string>? Choices, string? Default)
{
    /// <summary>The form control's name: <c>f.</c> and the field's name, so no field can collide with the page's own inputs.</summary>
    public string InputName => "f." + Name;

    public bool IsList => Type == "array";

    /// <summary>The fields of a connector's <c>auth.fields</c>, in manifest order.</summary>
    public static IReadOnlyList<ConnectField> Of(AuthDefinition auth)
    {
        JsonElement schema = auth.FieldsSchema;
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out JsonElement properties) || properties.ValueKind != JsonValueKind.Object) return [];
        HashSet<string> required = schema.TryGetProperty("required", out JsonElement list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!)]
            : [];
        var fields = new List<ConnectField>();
        foreach (JsonProperty property in properties.EnumerateObject())
        {
            JsonElement field = property.Value;
            if (field.ValueKind != JsonValueKind.Object) continue;
            string type = field.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "string";
            string? format = ConnectorManifest.GetString(field, "format");
            IReadOnlyList<string>? choices = field.TryGetProperty("enum", out JsonElement e) && e.ValueKind == JsonValueKind.Array
                ? [.. e.EnumerateArray().Select(c => c.ValueKind == JsonValueKind.String ? c.GetString()! : c.GetRawText())]
                : null;
            string? fallback = field.TryGetProperty("default", out JsonElement d)
                ? d.ValueKind switch
                {
                    JsonValueKind.String => d.GetString(),
                    JsonValueKind.Array => string.Join('\n', d.EnumerateArray().Select(i => i.ValueKind == JsonValueKind.String ? i.GetString() : i.GetRawText())),
                    _ => d.GetRawText(),
                }
                : null;
            fields.Add(new ConnectField(property.Name, ConnectorManifest.GetString(field, "title") ?? Humanize(property.Name), ConnectorManifest.GetString(field, "description"),
                type, format == "password", required.Contains(property.Name), choices, fallback));
        }

        return fields;
    }

    /// <summary>
    /// The credentials a posted form describes: empty inputs are left out, numbers and booleans typed, lists one item a
    /// line. A value that cannot be read is an error for that field (the connector's own validation does the rest).
    /// </summary>
    public static JsonObject ReadCredentials(IReadOnlyList<ConnectField> fields, IFormCollection form, Dictionary<string, string> errors)
    {
        var credentials = new JsonObject();
        foreach (ConnectField field in fields)
        {
            string text = form[field.InputName].ToString();
            if (field.Type == "boolean")
            {
                credentials[field.Name] = text == "true";
                continue;
            }

            if (field.IsList)
            {
                string[] items = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (items.Length > 0) credentials[field.Name] = new JsonArray([.. items.Select(i => (JsonNode)i)]);
                continue;
            }

            if (text.Length == 0) continue;
            switch (field.Type)
            {
                case "integer" when long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long whole):
                    credentials[field.Name] = whole;
                    break;
                case "integer":
                    errors[field.Name] = "must be a whole number";
                    break;
                case "number" when double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number):
                    credentials[field.Name] = number;
                    break;
                case "number":
                    errors[field.Name] = "must be a number";
                    break;
                case "object":
                    try
                    {
                        credentials[field.Name] = JsonNode.Parse(text);
                    }
                    catch (JsonException)
                    {
                        errors[field.Name] = "must be a JSON object";
                    }

                    break;
                default:
                    credentials[field.Name] = text;
                    break;
            }
        }

        return credentials;
    }

    private static string Humanize(string name) =>
        name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..].Replace('_', ' ');
}
