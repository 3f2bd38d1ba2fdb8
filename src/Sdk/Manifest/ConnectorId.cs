using System.Text;
using System.Text.RegularExpressions;

namespace Patchbay.Sdk;

/// <summary>
/// A connector's id in routes, connections and tool names: its manifest <c>name</c> when already
/// lowercase-with-hyphens, else a slug of it (<c>Google BigQuery</c> → <c>google-bigquery</c>).
/// </summary>
public static partial class ConnectorId
{
    /// <summary>Whether <paramref name="value"/> is lowercase letters and digits joined by single hyphens.</summary>
    public static bool IsValid(string value) => IdPattern().IsMatch(value);

    /// <summary>The id for a manifest name; empty when the name has no letter or digit.</summary>
    public static string FromName(string name)
    {
        if (IsValid(name)) return name;

        var slug = new StringBuilder(name.Length);
        bool pendingHyphen = false;
        foreach (char c in name.Normalize(NormalizationForm.FormKD))
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                if (pendingHyphen && slug.Length > 0) slug.Append('-');
                slug.Append(char.ToLowerInvariant(c));
                pendingHyphen = false;
            }
            else if (System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                pendingHyphen = true;
            }
        }

        return slug.ToString();
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex IdPattern();
}
