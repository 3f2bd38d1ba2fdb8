namespace Patchbay.Platform.Hosting;

/// <summary>Joins messages into sentences without doubling their full stops ("(4 attempts).. Create").</summary>
public static class Sentence
{
    /// <summary><paramref name="text"/> ending with exactly one full stop (or its own ? or !).</summary>
    public static string End(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.TrimEnd();
        return trimmed.Length == 0 || trimmed[^1] is '.' or '!' or '?' or '…' ? trimmed : trimmed + ".";
    }

    /// <summary>Each non-empty part as a sentence, joined by spaces.</summary>
    public static string Join(params string?[] parts) =>
        string.Join(' ', parts.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => End(p!)));
}
