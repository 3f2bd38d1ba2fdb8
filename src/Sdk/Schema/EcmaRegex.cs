using System.Text;
using System.Text.RegularExpressions;

namespace Patchbay.Sdk.Schema;

/// <summary>
/// Builds a .NET <see cref="Regex"/> that behaves like an ECMA-262 (JSON Schema) pattern: <c>\d</c>, <c>\w</c>,
/// <c>\s</c> (and <c>\b</c>, <c>\B</c>) use ECMAScript's character sets rather than .NET's Unicode ones, <c>$</c> matches only at the very end,
/// and <c>.</c> or a quantified astral character covers a whole surrogate pair.
/// </summary>
internal static class EcmaRegex
{
    private const string Digit = "0-9";
    private const string Word = "a-zA-Z0-9_";
    private const string Space = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
    // The complements, for \D \W \S inside a class (where .NET's own \D \W \S would bring back its Unicode sets).
    private const string NotDigit = "\\u0000-\\u002f\\u003a-\\uffff";
    private const string NotWord = "\\u0000-\\u002f\\u003a-\\u0040\\u005b-\\u005e\\u0060\\u007b-\\uffff";
    private const string NotSpace = "\\u0000-\\u0008\\u000e-\\u001f\\u0021-\\u009f\\u00a1-\\u167f\\u1681-\\u1fff\\u200b-\\u2027"
        + "\\u202a-\\u202e\\u2030-\\u205e\\u2060-\\u2fff\\u3001-\\ufefe\\uff00-\\uffff";
    // \b and \B outside a class: boundaries by ECMA-262's ASCII word characters (inside a class \b is a backspace).
    private const string WordBoundary = "(?:(?<=[" + Word + "])(?![" + Word + "])|(?<![" + Word + "])(?=[" + Word + "]))";
    private const string NotWordBoundary = "(?:(?<=[" + Word + "])(?=[" + Word + "])|(?<![" + Word + "])(?![" + Word + "]))";
    private const string AnyChar = "(?:[\\ud800-\\udbff][\\udc00-\\udfff]|[^\\n\\r\\u2028\\u2029])";

    /// <exception cref="ArgumentException">The pattern is not a valid regular expression.</exception>
    public static Regex Create(string pattern, TimeSpan timeout) =>
        new(Translate(pattern), RegexOptions.CultureInvariant, timeout);

    private static string UnicodeProperty(string name) => name switch
    {
        "Letter" => "L",
        "Lowercase_Letter" => "Ll",
        "Uppercase_Letter" => "Lu",
        "Titlecase_Letter" => "Lt",
        "Modifier_Letter" => "Lm",
        "Other_Letter" => "Lo",
        "Mark" => "M",
        "Number" => "N",
        "digit" or "Decimal_Number" or "Nd" => "Nd",
        "Letter_Number" => "Nl",
        "Other_Number" => "No",
        "Punctuation" => "P",
        "Symbol" => "S",
        "Separator" => "Z",
        "Space_Separator" => "Zs",
        "Other" => "C",
        "Control" => "Cc",
        _ => name,
    };

    public static string Translate(string pattern)
    {
        var sb = new StringBuilder(pattern.Length + 16);
        bool inClass = false;
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                char next = pattern[++i];
                switch (next)
                {
                    case 'd': sb.Append(inClass ? Digit : "[" + Digit + "]"); break;
                    case 'w': sb.Append(inClass ? Word : "[" + Word + "]"); break;
                    case 's': sb.Append(inClass ? Space : "[" + Space + "]"); break;
                    case 'D': sb.Append(inClass ? NotDigit : "[^" + Digit + "]"); break;
                    case 'W': sb.Append(inClass ? NotWord : "[^" + Word + "]"); break;
                    case 'S': sb.Append(inClass ? NotSpace : "[^" + Space + "]"); break;
                    case 'b' when !inClass: sb.Append(WordBoundary); break;
                    case 'B' when !inClass: sb.Append(NotWordBoundary); break;
                    case 'a':
                    case 'A':
                    case 'z':
                    case 'Z':
                    case 'e':
                        throw new ArgumentException("\\" + next + " is not an ECMAScript escape");
                    case 'p':
                    case 'P':
                        int end = pattern.IndexOf('}', i);
                        if (i + 1 < pattern.Length && pattern[i + 1] == '{' && end > i)
                        {
                            string property = pattern[(i + 2)..end];
                            sb.Append('\\').Append(next).Append('{').Append(UnicodeProperty(property)).Append('}');
                            i = end;
                        }
                        else
                        {
                            sb.Append('\\').Append(next);
                        }

                        break;
                    default: sb.Append('\\').Append(next); break;
                }

                continue;
            }

            if (inClass)
            {
                if (c == ']')
                {
                    inClass = false;
                }
                else if (c == '[')
                {
                    sb.Append('\\'); // a literal '[' inside a class in ECMAScript; .NET would read [a-[b]] as subtraction
                }

                sb.Append(c);
                continue;
            }

            if (c == '(' && i + 2 < pattern.Length && pattern[i + 1] == '?'
                && !(pattern[i + 2] is ':' or '=' or '!' || (pattern[i + 2] == '<' && i + 3 < pattern.Length && pattern[i + 3] != 'P')))
            {
                throw new ArgumentException("'(?" + pattern[i + 2] + "' is not ECMAScript regex syntax (inline flags, comments and Python groups are not supported)");
            }

            switch (c)
            {
                case '[':
                    bool negated = i + 1 < pattern.Length && pattern[i + 1] == '^';
                    int close = i + (negated ? 2 : 1);
                    if (close < pattern.Length && pattern[close] == ']')
                    {
                        // ECMAScript: [] matches nothing and [^] matches anything
                        sb.Append(negated ? "[\\s\\S]" : "(?!)");
                        i = close;
                        break;
                    }

                    sb.Append(negated ? "[^" : "[");
                    i = close - 1;
                    inClass = true;
                    break;
                case '$':
                    sb.Append("\\z");
                    break;
                case '.':
                    sb.Append(AnyChar);
                    break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < pattern.Length && char.IsLowSurrogate(pattern[i + 1]))
                    {
                        sb.Append("(?:").Append(c).Append(pattern[++i]).Append(')');
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.ToString();
    }
}
