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
        if (question >= 0 && !Chars(rest[(question + 1)..], "/?:@", international))
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
                && (literal.StartsWith("v") || literal.StartsWith("V") ? literal.Length > 1 : FormatChecks.IsIPv6(literal));
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

    /// <summary>Whether every character is unreserved, a sub-delimiter, one of <paramref name="extra"/>, or a valid %HH escape.</summary>
    private static bool Chars(ReadOnlySpan<char> value, string extra, bool international)
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
            else if (!(char.IsAsciiLetterOrDigit(c) || Unreserved.Contains(c, StringComparison.Ordinal) || SubDelims.Contains(c, StringComparison.Ordinal)
                || extra.Contains(c, StringComparison.Ordinal) || (international && c > 0x9F && !char.IsWhiteSpace(c))))
            {
                return false;
            }
        }

        return true;
    }
}
