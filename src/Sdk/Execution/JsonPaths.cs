using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Patchbay.Sdk;

/// <summary>Reads System.Text.Json's paths (<c>$.tags[1].weight</c>, <c>$['a.b']</c>) as JSON Pointers (<c>/tags/1/weight</c>).</summary>
internal static class JsonPaths
{
    /// <summary>The JSON Pointer for <paramref name="path"/>; empty for the root or when there is no path.</summary>
    public static string ToPointer(string? path)
    {
        var pointer = new StringBuilder();
        foreach (string token in Tokens(path))
        {
            pointer.Append('/').Append(token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
        }

        return pointer.ToString();
    }

    /// <summary>The value at <paramref name="path"/> inside <paramref name="root"/>, if the path leads anywhere.</summary>
    public static bool TryResolve(JsonElement root, string? path, out JsonElement value)
    {
        value = root;
        foreach (string token in Tokens(path))
        {
            if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty(token, out JsonElement property))
            {
                value = property;
            }
            else if (value.ValueKind == JsonValueKind.Array && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out int index) && index < value.GetArrayLength())
            {
                value = value[index];
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    private static List<string> Tokens(string? path)
    {
        var tokens = new List<string>();
        if (string.IsNullOrEmpty(path)) return tokens;
        int i = path[0] == '$' ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                int end = i + 1;
                while (end < path.Length && path[end] is not ('.' or '[')) end++;
                tokens.Add(path[(i + 1)..end]);
                i = end;
            }
            else if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                int end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0) end = path.Length;
                tokens.Add(path[(i + 2)..end]);
                i = Math.Min(path.Length, end + 2);
            }
            else if (path[i] == '[')
            {
                int end = path.IndexOf(']', i + 1);
                if (end < 0) end = path.Length;
                tokens.Add(path[(i + 1)..end]);
                i = Math.Min(path.Length, end + 1);
            }
            else
            {
                i++;
            }
        }

        return tokens;
    }
}
