using System.Text.Json;

namespace Patchbay.Cli.Secrets;

/// <summary>
/// Replaces every credential value with <c>***</c> in text the CLI is about to print: upstream error
/// bodies, handler messages and results can echo what they were sent.
/// </summary>
internal sealed class SecretRedactor
{
    // Shorter values (flags, "en", ids like "1") would blank out unrelated text; real secrets are longer.
    private const int MinimumLength = 4;
    private readonly List<string> _secrets = [];

    /// <summary>Collects every string and number in <paramref name="auth"/> as a secret.</summary>
    public SecretRedactor(JsonElement auth)
    {
        Collect(auth);
        _secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
    }

    /// <summary>The text with every secret replaced.</summary>
    public string Redact(string text)
    {
        foreach (string secret in _secrets)
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }

    private void Collect(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty property in value.EnumerateObject())
                {
                    // auth_type names the kind of auth, not a secret.
                    if (property.NameEquals("auth_type")) continue;
                    Collect(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (JsonElement item in value.EnumerateArray()) Collect(item);
                break;
            case JsonValueKind.String:
                Add(value.GetString()!);
                break;
            case JsonValueKind.Number:
                Add(value.GetRawText());
                break;
        }
    }

    private void Add(string secret)
    {
        if (secret.Length < MinimumLength) return;
        _secrets.Add(secret);
        // JSON output escapes some characters; catch the escaped spelling too.
        string encoded = JsonEncodedText.Encode(secret).ToString();
        if (encoded != secret) _secrets.Add(encoded);
    }
}
