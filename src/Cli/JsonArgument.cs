using System.Text.Json;

namespace Patchbay.Cli;

/// <summary>Reads an option given as JSON text or as <c>@file.json</c>.</summary>
internal static class JsonArgument
{
    /// <summary>
    /// Parses <paramref name="value"/>; <see langword="default"/> when it is null. <c>@~/file.json</c> is read from the home directory. For secrets
    /// (<paramref name="isSecret"/>) the error never quotes the text, only where the syntax broke.
    /// </summary>
    /// <exception cref="CliError">The file is missing or the text is not JSON.</exception>
    public static JsonElement Read(string? value, string optionName, bool isSecret, CliConsole console)
    {
        if (value is null) return default;
        string text = value;
        string where = optionName;
        if (value.StartsWith('@'))
        {
            string path = console.ResolveExpandingHome(value[1..]);
            if (!File.Exists(path)) throw new CliError($"{optionName}: the file {value[1..]} does not exist");
            text = File.ReadAllText(path);
            where = $"{optionName} ({value[1..]})";
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            // JsonException messages quote the offending character; a secret's text must not reach the terminal.
            string detail = isSecret ? string.Empty : $": {ex.Message}";
            throw new CliError($"{where} is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}){detail}; pass JSON text or @file.json");
        }
    }
}
