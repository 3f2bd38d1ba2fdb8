namespace Patchbay.Sdk.Schema;

/// <summary>RFC 3986 (URI) and RFC 3987 (IRI) syntax checks for the uri, uri-reference, iri and iri-reference formats.</summary>
internal static class UriSyntax
{
    private const string Unreserved = "-._~";
    private const string SubDelims = "!$&'()*+,;=";

    public static bool IsValid(ReadOnlySpan<char> v, bool absolute, bool international)
    {
        int hash = v.IndexOf('#');
        if (hash >= 0 && !Chars(v[(hash + 1)..], "/?:@", international))
        {
            return false;
        }

        ReadOnlySpan<char> rest = hash >= 0 ? v[..hash] : v;
        int question = rest.IndexOf('?');
        if (question >= 0 && !Chars(rest[(question + 1)..], "/?:@", international, privateUse: true))
        {
            return false;
        }

        rest = question >= 0 ? rest[..question] : rest;
        int colon = rest.IndexOf(':');
        int slash = rest.IndexOf('/');
        bool hasScheme = colon > 0 && (slash < 0 || colon < slash) && IsScheme(rest[..colon]);
        if (absolute && !hasScheme)
        {
            return false;
        }

        if (hasScheme)
        {
            rest = rest[(colon + 1)..];
        }

        if (rest.StartsWith("//"))
        {
            rest = rest[2..];
            int pathStart = rest.IndexOf('/');
            ReadOnlySpan<char> authority = pathStart >= 0 ? rest[..pathStart] : rest;
            if (!IsAuthority(authority, international))
            {
                return false;
            }

            rest = pathStart >= 0 ? rest[pathStart..] : [];
        }
        else if (!hasScheme && colon >= 0 && (slash < 0 || colon < slash))
        {
            return false; // a relative path's first segment may not contain ':'
        }

        return Chars(rest, "/:@", international);
    }

    private static bool IsScheme(ReadOnlySpan<char> scheme)
    {
        if (!char.IsAsciiLetter(scheme[0]))
        {
            return false;
        }

        foreach (char c in scheme)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAuthority(ReadOnlySpan<char> authority, bool international)
    {
        int at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            if (!Chars(authority[..at], ":", international))
            {
                return false;
            }

            authority = authority[(at + 1)..];
        }

        if (authority.StartsWith("["))
        {
            int close = authority.IndexOf(']');
            if (close < 0)
            {
                return false;
            }

            ReadOnlySpan<char> literal = authority[1..close];
            ReadOnlySpan<char> port = authority[(close + 1)..];
            return (port.Length == 0 || (port[0] == ':' && IsDigits(port[1..])))
                && (literal.StartsWith("v") || literal.StartsWith("V") ? IsIPvFuture(literal) : FormatChecks.IsIPv6(literal));
        }

        int colon = authority.LastIndexOf(':');
        if (colon >= 0)
        {
            if (!IsDigits(authority[(colon + 1)..]))
            {
                return false;
            }

            authority = authority[..colon];
        }

        return Chars(authority, "", international);
    }

    /// <summary>RFC 3986 IPvFuture: "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" ).</summary>
    private static bool IsIPvFuture(ReadOnlySpan<char> literal)
    {
        int dot = literal.IndexOf('.');
        if (dot < 2 || dot == literal.Length - 1)
        {
            return false;
        }

        foreach (char c in literal[1..dot])
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        foreach (char c in literal[(dot + 1)..])
        {
            if (!(char.IsAsciiLetterOrDigit(c) || Unreserved.Contains(c, StringComparison.Ordinal) || SubDelims.Contains(c, StringComparison.Ordinal) || c == ':'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> value)
    {
        foreach (char c in value)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether every character is unreserved, a sub-delimiter, one of <paramref name="extra"/>, or a valid %HH escape;
    /// for IRIs also RFC 3987 ucschar, and iprivate where <paramref name="privateUse"/> (the query).
    /// </summary>
    private static bool Chars(ReadOnlySpan<char> value, string extra, bool international, bool privateUse = false)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c == '%')
            {
                if (i + 2 >= value.Length || !char.IsAsciiHexDigit(value[i + 1]) || !char.IsAsciiHexDigit(value[i + 2]))
                {
                    return false;
                }

                i += 2;
            }
            else if (c > 0x7F && international)
            {
                int codePoint = c;
                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    codePoint = char.ConvertToUtf32(c, value[++i]);
                }

                if (!IsUcsChar(codePoint) && !(privateUse && IsPrivateUse(codePoint)))
                {
                    return false;
                }
            }
            else if (!(char.IsAsciiLetterOrDigit(c) || Unreserved.Contains(c, StringComparison.Ordinal) || SubDelims.Contains(c, StringComparison.Ordinal)
                || extra.Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>RFC 3987 ucschar: U+00A0-D7FF, F900-FDCF, FDF0-FFEF, and planes 1-14 less their last two code points (E0000-E0FFF excluded).</summary>
    private static bool IsUcsChar(int c) =>
        c is (>= 0xA0 and <= 0xD7FF) or (>= 0xF900 and <= 0xFDCF) or (>= 0xFDF0 and <= 0xFFEF)
        || (c is >= 0x10000 and <= 0xDFFFD && (c & 0xFFFF) <= 0xFFFD)
        || c is >= 0xE1000 and <= 0xEFFFD;

    /// <summary>RFC 3987 iprivate (allowed in the query only): U+E000-F8FF, F0000-FFFFD, 100000-10FFFD.</summary>
    private static bool IsPrivateUse(int c) =>
        c is (>= 0xE000 and <= 0xF8FF) or (>= 0xF0000 and <= 0xFFFFD) or (>= 0x100000 and <= 0x10FFFD);
}
