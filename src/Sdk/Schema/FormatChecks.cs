using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Patchbay.Sdk.Schema;

/// <summary>The <c>format</c> checks the validator asserts. Unknown formats are not listed and always pass.</summary>
internal static class FormatChecks
{
    private delegate bool Check(ReadOnlySpan<char> value);

    private static readonly Dictionary<string, StringPredicate> Checks = new(StringComparer.Ordinal)
    {
        ["date-time"] = new Format(IsDateTime),
        ["date"] = new Format(IsDate),
        ["time"] = new Format(IsTime),
        ["email"] = new Format(v => IsEmail(v, international: false)),
        ["idn-email"] = new Format(v => IsEmail(v, international: true)),
        ["hostname"] = new Format(IsHostname),
        ["idn-hostname"] = new Format(IsIdnHostname),
        ["ipv4"] = new Format(IsIPv4),
        ["ipv6"] = new Format(IsIPv6),
        ["uri"] = new Format(v => UriSyntax.IsValid(v, absolute: true, international: false)),
        ["uri-reference"] = new Format(v => UriSyntax.IsValid(v, absolute: false, international: false)),
        ["iri"] = new Format(v => UriSyntax.IsValid(v, absolute: true, international: true)),
        ["iri-reference"] = new Format(v => UriSyntax.IsValid(v, absolute: false, international: true)),
        ["uri-template"] = new Format(IsUriTemplate),
        ["uuid"] = new Format(IsUuid),
        ["regex"] = new Format(IsRegex),
        ["json-pointer"] = new Format(IsJsonPointer),
        ["relative-json-pointer"] = new Format(IsRelativeJsonPointer),
    };

    public static bool TryGet(string format, [NotNullWhen(true)] out StringPredicate? check) => Checks.TryGetValue(format, out check);

    private sealed class Format(Check check) : StringPredicate
    {
        public override bool Test(ReadOnlySpan<char> value) => check(value);
    }

    private static bool Digits(ReadOnlySpan<char> value, int start, int count, out int number)
    {
        number = 0;
        if (start + count > value.Length)
        {
            return false;
        }

        for (int i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(value[i]))
            {
                return false;
            }

            number = (number * 10) + (value[i] - '0');
        }

        return true;
    }

    private static bool IsDate(ReadOnlySpan<char> v) =>
        v.Length == 10 && Digits(v, 0, 4, out int year) && v[4] == '-' && Digits(v, 5, 2, out int month) && v[7] == '-' && Digits(v, 8, 2, out int day)
        && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(Math.Max(year, 1), month);

    private static bool IsTime(ReadOnlySpan<char> v)
    {
        if (v.Length < 9 || !Digits(v, 0, 2, out int hour) || v[2] != ':' || !Digits(v, 3, 2, out int minute) || v[5] != ':' || !Digits(v, 6, 2, out int second))
        {
            return false;
        }

        int i = 8;
        if (i < v.Length && v[i] == '.')
        {
            int start = ++i;
            while (i < v.Length && char.IsAsciiDigit(v[i]))
            {
                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        if (i >= v.Length || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        int offset;
        if (v[i] is 'Z' or 'z')
        {
            offset = 0;
            i++;
        }
        else if (v[i] is '+' or '-' && Digits(v, i + 1, 2, out int offsetHour) && i + 3 < v.Length && v[i + 3] == ':' && Digits(v, i + 4, 2, out int offsetMinute)
            && offsetHour <= 23 && offsetMinute <= 59)
        {
            offset = (v[i] == '+' ? 1 : -1) * ((offsetHour * 60) + offsetMinute);
            i += 6;
        }
        else
        {
            return false;
        }

        if (i != v.Length)
        {
            return false;
        }

        // A leap second is only valid at 23:59:60 UTC.
        return second < 60 || ((((hour * 60) + minute - offset) % 1440) + 1440) % 1440 == (23 * 60) + 59;
    }

    private static bool IsDateTime(ReadOnlySpan<char> v) =>
        v.Length > 11 && v[10] is 'T' or 't' && IsDate(v[..10]) && IsTime(v[11..]);

    private static bool IsIPv4(ReadOnlySpan<char> v)
    {
        int parts = 0;
        foreach (Range range in v.Split('.'))
        {
            ReadOnlySpan<char> part = v[range];
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0') || !Digits(part, 0, part.Length, out int value) || value > 255)
            {
                return false;
            }

            parts++;
        }

        return parts == 4;
    }

    internal static bool IsIPv6(ReadOnlySpan<char> v)
    {
        if (v.Length < 2 || v.Length > 45)
        {
            return false;
        }

        int doubleColon = v.IndexOf("::", StringComparison.Ordinal);
        if (doubleColon >= 0 && v[(doubleColon + 1)..].IndexOf("::", StringComparison.Ordinal) >= 0)
        {
            return false;
        }

        int groups = 0;
        ReadOnlySpan<char> rest = v;
        if (doubleColon >= 0)
        {
            return CountGroups(v[..doubleColon], allowIPv4: false, out int head) && CountGroups(v[(doubleColon + 2)..], allowIPv4: true, out int tail) && head + tail <= 7;
        }

        return CountGroups(rest, allowIPv4: true, out groups) && groups == 8;
    }

    private static bool CountGroups(ReadOnlySpan<char> v, bool allowIPv4, out int groups)
    {
        groups = 0;
        if (v.Length == 0)
        {
            return true;
        }

        int start = 0;
        while (true)
        {
            int colon = v[start..].IndexOf(':');
            ReadOnlySpan<char> group = colon < 0 ? v[start..] : v.Slice(start, colon);
            if (colon < 0 && allowIPv4 && group.Contains('.'))
            {
                groups += 2;
                return IsIPv4(group);
            }

            if (group.Length is 0 or > 4 || group.IndexOfAnyExcept(HexDigits) >= 0)
            {
                return false;
            }

            groups++;
            if (colon < 0)
            {
                return true;
            }

            start += colon + 1;
        }
    }

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    private static readonly System.Buffers.SearchValues<char> HostnameChars = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    /// <summary>RFC 5322 atext and the dot: what an unquoted local part may hold.</summary>
    private static readonly System.Buffers.SearchValues<char> EmailLocalChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.");

    private static int NextIndexOfAnyExcept(ReadOnlySpan<char> value, int start, System.Buffers.SearchValues<char> allowed)
    {
        int next = value[start..].IndexOfAnyExcept(allowed);
        return next < 0 ? -1 : start + next;
    }

    private static bool IsHostname(ReadOnlySpan<char> v)
    {
        if (v.Length is 0 or > 253)
        {
            return false;
        }

        foreach (Range range in v.Split('.'))
        {
            ReadOnlySpan<char> label = v[range];
            if (label.Length is 0 or > 63 || label.IndexOfAnyExcept(HostnameChars) >= 0 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            if (label.Length >= 4 && label[2] == '-' && label[3] == '-')
            {
                if (!label.StartsWith("xn--", StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }

                try
                {
                    if (!IsValidULabel(Idn.GetUnicode(label.ToString())))
                    {
                        return false;
                    }
                }
                catch (ArgumentException)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsIdnHostname(ReadOnlySpan<char> v)
    {
        try
        {
            string ascii = Idn.GetAscii(v.ToString());
            return IsHostname(ascii);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The IDNA2008 contextual rules (RFC 5892 appendix A) and exceptions that ICU's decoding does not check.</summary>
    private static bool IsValidULabel(string label)
    {
        bool arabicIndic = false, extendedArabicIndic = false, japanese = false, katakanaDot = false;
        for (int i = 0; i < label.Length; i++)
        {
            char c = label[i];
            switch (c)
            {
                case '\u0640' or '\u07FA' or '\u302E' or '\u302F' or (>= '\u3031' and <= '\u3035') or '\u303B':
                    return false;
                case '\u00B7' when i == 0 || i == label.Length - 1 || label[i - 1] != 'l' || label[i + 1] != 'l':
                    return false;
                case '\u0375' when i == label.Length - 1 || label[i + 1] is < '\u0370' or > '\u03FF':
                    return false;
                case '\u05F3' or '\u05F4' when i == 0 || label[i - 1] is < '\u0590' or > '\u05FF':
                    return false;
                case '\u30FB':
                    katakanaDot = true;
                    break;
                case >= '\u0660' and <= '\u0669':
                    arabicIndic = true;
                    break;
                case >= '\u06F0' and <= '\u06F9':
                    extendedArabicIndic = true;
                    break;
                case (>= '\u3040' and <= '\u30FA') or (>= '\u30FC' and <= '\u30FF') or (>= '\u4E00' and <= '\u9FFF') or (>= '\u3400' and <= '\u4DBF'):
                    japanese = true;
                    break;
            }
        }

        return !(arabicIndic && extendedArabicIndic) && (!katakanaDot || japanese);
    }

    private static bool IsEmail(ReadOnlySpan<char> v, bool international)
    {
        int at = v.LastIndexOf('@');
        if (at <= 0 || at == v.Length - 1)
        {
            return false;
        }

        ReadOnlySpan<char> local = v[..at];
        ReadOnlySpan<char> domain = v[(at + 1)..];
        if (local[0] == '"')
        {
            if (local.Length < 2 || local[^1] != '"')
            {
                return false;
            }
        }
        else
        {
            if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
            {
                return false;
            }

            // One vectorised search for a character outside atext and '.'; idn-email also allows any non-ASCII one.
            for (int bad = local.IndexOfAnyExcept(EmailLocalChars); bad >= 0; bad = NextIndexOfAnyExcept(local, bad + 1, EmailLocalChars))
            {
                if (!international || local[bad] <= 127)
                {
                    return false;
                }
            }
        }

        if (domain[0] == '[')
        {
            if (domain[^1] != ']')
            {
                return false;
            }

            ReadOnlySpan<char> literal = domain[1..^1];
            return literal.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase) ? IsIPv6(literal[5..]) : IsIPv4(literal);
        }

        if (international)
        {
            try
            {
                return IsHostname(Idn.GetAscii(domain.ToString()));
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        return IsHostname(domain);
    }

    private static bool IsUuid(ReadOnlySpan<char> v)
    {
        if (v.Length != 36)
        {
            return false;
        }

        for (int i = 0; i < v.Length; i++)
        {
            bool dash = i is 8 or 13 or 18 or 23;
            if (dash ? v[i] != '-' : !char.IsAsciiHexDigit(v[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsRegex(ReadOnlySpan<char> v)
    {
        try
        {
            EcmaRegex.Create(v.ToString(), TimeSpan.FromSeconds(1));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool IsJsonPointer(ReadOnlySpan<char> v)
    {
        if (v.Length > 0 && v[0] != '/')
        {
            return false;
        }

        for (int i = 0; i < v.Length; i++)
        {
            if (v[i] == '~' && (i + 1 >= v.Length || v[i + 1] is not ('0' or '1')))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsRelativeJsonPointer(ReadOnlySpan<char> v)
    {
        int i = 0;
        while (i < v.Length && char.IsAsciiDigit(v[i]))
        {
            i++;
        }

        if (i == 0 || (i > 1 && v[0] == '0'))
        {
            return false;
        }

        return (i < v.Length && v[i] == '#' && i + 1 == v.Length) || IsJsonPointer(v[i..]);
    }

    private static bool IsUriTemplate(ReadOnlySpan<char> v)
    {
        for (int i = 0; i < v.Length; i++)
        {
            char c = v[i];
            if (c == '{')
            {
                int close = v[i..].IndexOf('}');
                if (close < 0 || !IsTemplateExpression(v.Slice(i + 1, close - 1)))
                {
                    return false;
                }

                i += close;
            }
            else if (c == '%')
            {
                if (i + 2 >= v.Length || !char.IsAsciiHexDigit(v[i + 1]) || !char.IsAsciiHexDigit(v[i + 2]))
                {
                    return false;
                }

                i += 2;
            }
            else if (c <= ' ' || c == '\u007F' || "\"<>\\^`|}".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsTemplateExpression(ReadOnlySpan<char> expression)
    {
        if (expression.Length > 0 && "+#./;?&".Contains(expression[0], StringComparison.Ordinal))
        {
            expression = expression[1..];
        }

        if (expression.Length == 0)
        {
            return false;
        }

        foreach (Range range in expression.Split(','))
        {
            ReadOnlySpan<char> spec = expression[range];
            int modifier = spec.IndexOfAny('*', ':');
            ReadOnlySpan<char> name = modifier >= 0 ? spec[..modifier] : spec;
            if (name.Length == 0 || name[0] == '.' || name[^1] == '.' || name.Contains("..", StringComparison.Ordinal))
            {
                return false;
            }

            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                if (c == '%' && i + 2 < name.Length && char.IsAsciiHexDigit(name[i + 1]) && char.IsAsciiHexDigit(name[i + 2]))
                {
                    i += 2;
                }
                else if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.'))
                {
                    return false;
                }
            }

            if (modifier >= 0)
            {
                ReadOnlySpan<char> rest = spec[modifier..];
                bool valid = rest is "*" || (rest.Length is >= 2 and <= 5 && rest[0] == ':' && rest[1] is >= '1' and <= '9' && rest[1..].IndexOfAnyExceptInRange('0', '9') < 0);
                if (!valid)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
