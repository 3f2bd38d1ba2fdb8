using System.Text;

namespace Patchbay.Sdk.Tests.Schema;

/// <summary>
/// One ECMA-262 construct at a time, written so that .NET's regex engine (which JsonSchema.Net uses as is) gives it its
/// ECMA-262 meaning. Each is the workaround of one known difference; the rest of the pattern is left as written.
/// </summary>
internal static class EcmaPatterns
{
    private const string WhiteSpace = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";

    public enum Construct
    {
        Dot,
        Dollar,
        Space,
        Astral,
    }

    public static string Rewrite(string pattern, Construct construct)
    {
        var builder = new StringBuilder();
        bool inClass = false;
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                char next = pattern[++i];
                if (construct == Construct.Space && next is 's' or 'S' && !(inClass && next == 'S'))
                {
                    builder.Append(inClass ? WhiteSpace : next == 's' ? "[" + WhiteSpace + "]" : "[^" + WhiteSpace + "]");
                }
                else
                {
                    builder.Append(c).Append(next);
                }

                continue;
            }

            if (inClass)
            {
                inClass = c != ']';
                builder.Append(c);
                continue;
            }

            if (c == '[')
            {
                inClass = true;
                builder.Append(c);
                if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                {
                    builder.Append(pattern[++i]);
                }

                if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                {
                    builder.Append(pattern[++i]); // [] and [^]: ECMA-262 ends the class here
                    inClass = false;
                }

                continue;
            }

            if (construct == Construct.Dot && c == '.')
            {
                builder.Append("(?:[\\ud800-\\udbff][\\udc00-\\udfff]|[^\\n\\r\\u2028\\u2029])");
            }
            else if (construct == Construct.Dollar && c == '$')
            {
                builder.Append("(?!\\n)$");
            }
            else if (construct == Construct.Astral && char.IsHighSurrogate(c) && i + 1 < pattern.Length && char.IsLowSurrogate(pattern[i + 1]))
            {
                builder.Append("(?:").Append(c).Append(pattern[++i]).Append(')');
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
