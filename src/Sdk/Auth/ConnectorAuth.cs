using System.Text.Json;

namespace Patchbay.Sdk;

/// <summary>
/// The credentials a handler runs with, in the normalized envelope
/// <c>{"auth_type": "...", "credentials": {...}}</c>.
/// </summary>
/// <remarks>
/// A flat credentials object (as connector tests usually write it) is wrapped into the envelope, so
/// tests and production see the same shape. <see cref="ToString"/> never prints a credential.
/// </remarks>
public sealed class ConnectorAuth
{
    private static readonly JsonElement s_emptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private ConnectorAuth(string? authType, JsonElement credentials)
    {
        AuthType = authType;
        Credentials = credentials;
    }

    /// <summary>No credentials (connectors without auth).</summary>
    public static ConnectorAuth None { get; } = new(null, s_emptyObject);

    /// <summary>
    /// The auth type: <see cref="AuthTypes.PlatformOAuth2"/>, <see cref="AuthTypes.ApiKey"/>,
    /// <see cref="AuthTypes.Basic"/>, <see cref="AuthTypes.Custom"/>, or <see langword="null"/> when there is none.
    /// </summary>
    public string? AuthType { get; }

    /// <summary>The credentials object (always a JSON object, empty when there are none).</summary>
    public JsonElement Credentials { get; }

    /// <summary>Whether any credential is present.</summary>
    public bool IsEmpty => Credentials.ValueKind != JsonValueKind.Object || !Credentials.EnumerateObject().Any();

    /// <summary>
    /// Reads auth as callers send it: the envelope, or a flat credentials object that is wrapped with
    /// <paramref name="defaultAuthType"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The value is not a JSON object, or the envelope's parts have the wrong types.</exception>
    public static ConnectorAuth FromJson(JsonElement auth, string? defaultAuthType = null)
    {
        if (auth.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return defaultAuthType is null ? None : new ConnectorAuth(defaultAuthType, s_emptyObject);
        }

        if (auth.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"auth must be a JSON object, not {auth.ValueKind.ToString().ToLowerInvariant()}.", nameof(auth));
        }

        bool hasCredentials = auth.TryGetProperty("credentials", out JsonElement credentials);
        bool hasType = auth.TryGetProperty("auth_type", out JsonElement type);
        if (!hasCredentials && !hasType)
        {
            return new ConnectorAuth(defaultAuthType, auth.Clone());
        }

        if (hasType && type.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            throw new ArgumentException("auth.auth_type must be a string.", nameof(auth));
        }

        if (hasCredentials && credentials.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("auth.credentials must be a JSON object.", nameof(auth));
        }

        string? authType = hasType && type.ValueKind == JsonValueKind.String ? type.GetString() : defaultAuthType;
        return new ConnectorAuth(authType, hasCredentials ? credentials.Clone() : s_emptyObject);
    }

    /// <summary>Builds auth from a credentials object.</summary>
    public static ConnectorAuth Create(string? authType, JsonElement credentials)
    {
        if (credentials.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return new ConnectorAuth(authType, s_emptyObject);
        }

        if (credentials.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("credentials must be a JSON object.", nameof(credentials));
        }

        return new ConnectorAuth(authType, credentials.Clone());
    }

    /// <summary>A credential as a string, or <see langword="null"/> when absent or not a string.</summary>
    public string? GetCredential(string name) =>
        Credentials.ValueKind == JsonValueKind.Object
        && Credentials.TryGetProperty(name, out JsonElement value)
        && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>The envelope as JSON, credentials included. Only for storage and transport, never for logs.</summary>
    public string ToEnvelopeJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            if (AuthType is null) writer.WriteNull("auth_type"); else writer.WriteString("auth_type", AuthType);
            writer.WritePropertyName("credentials");
            Credentials.WriteTo(writer);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Names the auth type and the credential field names; never their values.</summary>
    public override string ToString()
    {
        string fields = Credentials.ValueKind == JsonValueKind.Object
            ? string.Join(", ", Credentials.EnumerateObject().Select(p => p.Name))
            : string.Empty;
        return $"ConnectorAuth(auth_type={AuthType ?? "none"}, credentials=[{fields}] redacted)";
    }
}

/// <summary>The auth types the envelope's <c>auth_type</c> carries.</summary>
public static class AuthTypes
{
    /// <summary>Platform-managed OAuth 2; <c>credentials.access_token</c> is sent as a Bearer token.</summary>
    public const string PlatformOAuth2 = "PlatformOauth2";

    /// <summary>A single API key, sent in the header or query the manifest's <c>auth.api_key</c> names.</summary>
    public const string ApiKey = "ApiKey";

    /// <summary>HTTP Basic: <c>credentials.username</c> and <c>credentials.password</c>.</summary>
    public const string Basic = "Basic";

    /// <summary>Free-form fields described by the manifest's <c>auth.fields</c> schema.</summary>
    public const string Custom = "Custom";
}
