using System.Globalization;
using System.Text.Json;
using Patchbay.Sdk;

namespace Patchbay.Platform.Hosting;

/// <summary>Reads JSON request bodies and their fields with errors that name the path and say what is expected.</summary>
internal static class RequestBody
{
    public static async ValueTask<JsonElement> ReadObjectAsync(HttpRequest request, IReadOnlySet<string> allowed, CancellationToken cancellationToken)
    {
        if (request.ContentLength == 0 && request.ContentType is null)
        {
            return JsonDocument.Parse("{}").RootElement.Clone();
        }

        if (request.ContentType is { } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiProblem(415, ProblemTypes.InvalidRequest, "The request body must be JSON", $"Content-Type '{type}' is not JSON; send application/json.");
        }

        JsonElement root;
        try
        {
            using JsonDocument document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw ApiProblem.BadRequest($"The body is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}).", new FieldError("", "is not valid JSON"));
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw ApiProblem.BadRequest("The body must be a JSON object.", new FieldError("", $"must be an object, not {root.ValueKind.ToString().ToLowerInvariant()}"));
        }

        // A lone surrogate ("\ud800") parses but cannot be read as a string: refuse it here, with its path, before anything reads the body.
        if (!JsonUnicode.IsValid(root))
        {
            throw ApiProblem.BadRequest("The body holds text that is not valid Unicode (a lone UTF-16 surrogate such as \\ud800).", [.. JsonUnicode.FindInvalid(root)]);
        }

        var unknown = root.EnumerateObject().Where(p => !allowed.Contains(p.Name)).Select(p => new FieldError("/" + p.Name, $"is not a known field; expected one of: {string.Join(", ", allowed)}")).ToArray();
        if (unknown.Length > 0) throw ApiProblem.BadRequest("The body has fields Patchbay does not know.", unknown);
        return root;
    }

    public static JsonElement OptionalObject(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null) return default;
        if (value.ValueKind != JsonValueKind.Object) throw ApiProblem.BadRequest($"{name} must be an object.", new FieldError("/" + name, $"must be an object, not {value.ValueKind.ToString().ToLowerInvariant()}"));
        return value;
    }

    public static string? OptionalString(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw ApiProblem.BadRequest($"{name} must be a non-empty string.", new FieldError("/" + name, "must be a non-empty string"));
        }

        return value.GetString();
    }

    public static string RequiredString(JsonElement body, string name) =>
        OptionalString(body, name) ?? throw ApiProblem.BadRequest($"{name} is required.", new FieldError("/" + name, "is required"));

    /// <summary>An <c>entity_id</c> from a body or the query: 1 to <see cref="InputLimits.MaxEntityIdChars"/> characters, no control characters.</summary>
    public static string CheckEntityId(string entityId, string path = "/entity_id")
    {
        if (entityId.Length > InputLimits.MaxEntityIdChars)
        {
            throw ApiProblem.BadRequest($"entity_id is limited to {InputLimits.MaxEntityIdChars} characters.",
                new FieldError(path, $"is {entityId.Length} characters; at most {InputLimits.MaxEntityIdChars}"));
        }

        if (entityId.Any(char.IsControl))
        {
            throw ApiProblem.BadRequest("entity_id must not contain control characters.", new FieldError(path, "must not contain control characters"));
        }

        return entityId;
    }

    /// <summary>An id for a message: as sent when short, cut otherwise (an id can be anything a caller typed).</summary>
    public static string Quote(string value) => value.Length <= 80 ? value : value[..(char.IsHighSurrogate(value[79]) ? 79 : 80)] + "…";

    public static bool OptionalBool(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null) return false;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw ApiProblem.BadRequest($"{name} must be true or false.", new FieldError("/" + name, "must be a boolean")),
        };
    }

    public static DateTimeOffset? OptionalTimestamp(JsonElement body, string name)
    {
        string? text = OptionalString(body, name);
        if (text is null) return null;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset value))
        {
            throw ApiProblem.BadRequest($"{name} must be an ISO 8601 date-time.", new FieldError("/" + name, "must be an ISO 8601 date-time such as 2026-11-24T06:00:00Z"));
        }

        return value;
    }
}
