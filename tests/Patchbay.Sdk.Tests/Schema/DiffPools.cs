using System.Globalization;

namespace Patchbay.Sdk.Tests.Schema;

/// <summary>
/// The fixed material the differential generators draw from: keyword limits, property and definition names,
/// ECMA-262 patterns with strings that separate ECMAScript from .NET regex semantics, and for every asserted
/// format valid values, values one step from valid, and the corner cases of its RFC.
/// </summary>
internal static class DiffPools
{
    public static readonly string[] TypeNames = ["null", "boolean", "object", "array", "number", "string", "integer"];

    /// <summary>Limits for minimum / maximum / exclusive*: small, fractional, spelled oddly, beyond long and decimal.</summary>
    public static readonly string[] Limits =
    [
        "0", "1", "2", "3", "5", "10", "-1", "-2", "0.5", "1.5", "2.5", "-0.5", "0.1", "1e2", "2.0", "1E1", "0.0", "-0",
        "9007199254740993", "9223372036854775807", "18446744073709551616", "1e30", "-1e30", "1.7976931348623157e308",
    ];

    /// <summary>multipleOf divisors: integral, decimal fractions binary doubles cannot hold, tiny and huge.</summary>
    public static readonly string[] Divisors =
    [
        "1", "2", "3", "7", "0.5", "0.1", "0.01", "0.3", "1.5", "2.5", "0.0001", "1e-8", "0.123456789", "1e2", "2.0", "1e308", "1e-30",
    ];

    /// <summary>Integer spellings for minLength and friends: draft 7 calls 2.0 an integer.</summary>
    public static readonly string[] Counts = ["0", "1", "2", "3", "0", "1", "2", "2.0", "1e0"];

    public static readonly string[] PropertyNames = ["a", "b", "foo", "bar", "", "a b", "é", "💩", "1", "aa", "A", "__proto__", "length"];

    /// <summary>Definition names with the characters a JSON pointer or a URI fragment must escape.</summary>
    public static readonly string[] DefinitionNames = ["node", "a b", "t~x", "s/x", "p%x", "ü", "leaf"];

    public static string DefinitionRef(string name)
    {
        string pointer = name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
        return "#/definitions/" + Uri.EscapeDataString(pointer); // %, space and non-ASCII percent-encoded in the fragment
    }

    /// <summary>Strings any schema may meet: empty, astral, combining, the whitespace ECMAScript and .NET classify differently.</summary>
    public static readonly string[] Strings =
    [
        "", "a", "ab", "abc", "A", "1", "é", "💩", "a💩", "e\u0301", "\n", "abc\n", " ", "\u00a0", "\ufeff", "\u0085", "١٢٣",
        "foo", "bar", "0", "-1", "true", "null", "x", "aa", "a b", "\u2028", "\t",
    ];

    /// <summary>Units for strings built at a length: one code point each, some of two UTF-16 units.</summary>
    public static readonly string[] LengthUnits = ["a", "é", "💩", "\u0301", "z", "1", "\n", "\"", "\\"];

    /// <summary>ECMA-262 patterns and strings on both sides of them, many where .NET's defaults would answer differently.</summary>
    public static readonly (string Pattern, string[] Samples)[] Patterns =
    [
        ("^a*$", ["", "a", "aaa", "ab", "ba"]),
        ("^[a-z]+$", ["abc", "ABC", "ab1", "é", ""]),
        ("a", ["a", "bab", "b", "A", ""]),
        ("^\\d+$", ["123", "١٢٣", "12a", "", "１２", "0"]),
        ("^\\w+$", ["abc_1", "é", "a-b", "ſ", "K"]),
        ("^\\s$", [" ", "\u00a0", "\ufeff", "\u0085", "\u2028", "\t", "a", "\u180e"]),
        ("^abc$", ["abc", "abc\n", "\nabc", "abcd"]),
        ("^.$", ["a", "💩", "\n", "\r", "\u2028", "ab", "\u0085"]),
        ("^[^a]$", ["b", "a", "💩", "\n"]),
        ("^(?:ab|cd)+$", ["abcd", "abc", "", "cdab"]),
        ("\\p{Letter}", ["é", "1", "", "ǅ"]),
        ("^\\cC$", ["\u0003", "C", "\\cC"]),
        ("^[\\u0041-\\u005A]$", ["A", "a", "Z", "["]),
        ("^\\S{2}$", ["ab", "💩", "a b", "💩💩"]),
        ("b$", ["ab", "ab\n", "ba"]),
        ("^$", ["", "\n"]),
        ("\\bfoo\\b", ["foo bar", "foobar", "éfooé", "foo"]),
        ("^[\\d]$", ["1", "١", "a"]),
        ("^\\D$", ["a", "1", "١"]),
        ("^🐲*$", ["", "🐲", "🐲🐲", "🐉"]),
        ("^[^]$", ["a", "\n", ""]),
        ("^\\W$", ["-", "a", "é"]),
        ("^a{2}$", ["aa", "a", "aaa"]),
        ("[\\s\\S]", ["", "a"]),
        ("^\\/$", ["/", "\\/"]),
    ];

    /// <summary>patternProperties keys: each matches some of <see cref="PropertyNames"/>.</summary>
    public static readonly string[] NamePatterns = ["^a", "b$", "^[0-9]+$", "o", "^$", "\\d", "^\\w+$", "^.$", "^\\p{Lu}"];

    public static readonly string[] Formats =
    [
        "date-time", "date", "time", "email", "idn-email", "hostname", "ipv4", "ipv6", "uri", "uri-reference", "iri", "iri-reference",
        "uri-template", "uuid", "regex", "json-pointer", "relative-json-pointer", "x-unknown-format",
    ];

    /// <summary>Per format: valid values, near misses and RFC corner cases (leap seconds, zones, IPv4-in-IPv6, ...).</summary>
    public static readonly Dictionary<string, string[]> FormatValues = new(StringComparer.Ordinal)
    {
        ["date-time"] =
        [
            "1963-06-19T08:30:06.283185Z", "1963-06-19T08:30:06Z", "1937-01-01T12:00:27.87+00:20", "1990-12-31T15:59:59-08:00",
            "1998-12-31T23:59:60Z", "1998-12-31T15:59:60.123-08:00", "1998-12-31T23:58:60Z", "1990-02-31T15:59:59.123-08:00",
            "1990-12-31T15:59:59-24:00", "1963-06-19t08:30:06.283185z", "2013-350T01:01:01", "1963-06-19T08:30:06",
            "1963-06-1963T08:30:06.28123+01:00Z", "2020-02-29T00:00:00Z", "2021-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
            "2000-02-29T00:00:00Z", "1963-06-19 08:30:06Z", "1963-06-19T08:30:06.Z", "1963-06-19T08:30:06+0100",
            "1963-06-19T24:00:00Z", "0000-01-01T00:00:00Z", "1963-06-19T08:30:06.283185+23:59", "1963-06-19T08:30:06-00:00",
            "1963-06-19T08:30:06.123456789012Z", "1963-06-19T08:30Z", "1963-06-19T08:30:06Z\n", "1963-06-1\u09e8T08:30:06Z",
        ],
        ["date"] =
        [
            "1963-06-19", "2020-01-32", "2021-02-29", "2020-02-29", "2020-13-01", "1998-1-20", "20200101", "2020-01-01T00:00:00Z",
            "2020-00-10", "2020-01-00", "1900-02-29", "2000-02-29", "2020-04-31", "2020-04-30", "0000-01-01", "9999-12-31",
            "2020-1-01", "1963-06-1\u09e8", "2020-W01", "2020-11-31", "2020-12-31", "10000-01-01", "2020-02-28\n",
        ],
        ["time"] =
        [
            "08:30:06Z", "08:30:06.283185Z", "23:59:60Z", "22:59:60Z", "08:30:06+01:00", "08:30:06", "24:00:00Z", "8:30:06Z",
            "08:30:06 PST", "01:01:01,1111Z", "12:00:00.52Z", "23:59:60+00:00", "01:29:60+01:30", "23:59:60-01:00",
            "15:59:60-08:00", "08:30:06z", "08:30:06.Z", "08:30:06+24:00", "08:30:06+01:60", "08:30:06-00:00", "08:60:00Z",
            "08:30:61Z", "\u09e8\u09e8:00:00Z", "08:30:06+0100", "00:00:00Z", "23:59:59.999999999Z",
        ],
        ["email"] =
        [
            "joe.bloggs@example.com", "2962", "te~st@example.com", "~test@example.com", "test~@example.com",
            "\"joe bloggs\"@example.com", "\"joe..bloggs\"@example.com", "joe.bloggs@[127.0.0.1]", "joe.bloggs@[IPv6:::1]",
            ".test@example.com", "test.@example.com", "te..st@example.com", "joe.bloggs@invalid=domain.com",
            "joe.bloggs@[127.0.0.300]", "a@b", "@example.com", "a@", "a b@example.com", "a@b@example.com", "a+b@example.com",
            "é@example.com", "a@é.com", "\"a\\\"b\"@example.com", "a@-example.com", "a@example..com", "A@EXAMPLE.COM",
        ],
        ["idn-email"] =
        [
            "실례@실례.테스트", "joe.bloggs@example.com", "2962", "é@example.com", "a@", "@b", "a b@example.com", ".a@example.com",
        ],
        ["hostname"] =
        [
            "www.example.com", "xn--4gbwdl.xn--wgbh1c", "-a-host-name-that-starts-with--", "not_a_valid_host_name",
            "a-vvvvvvvvvvvvvvveeeeeeeeeeeeeeeerrrrrrrrrrrrrrrryyyyyyyyyyyyyyyy-long-host-name-component", "hostname", "host-name",
            "h0stn4me", "1host", "hostnam3", "", ".", "example.com.", new string('a', 63), new string('a', 64),
            string.Join('.', Enumerable.Repeat(new string('a', 63), 4)), string.Join('.', Enumerable.Repeat(new string('a', 62), 4)) + "a",
            "xn--X", "ab--cd", "xn--", "example..com", "host name", "ex-.com", "éxample.com", "a.b", "123.123.123.123", "a_b.com",
            "XN--4GBWDL.XN--WGBH1C", "-", "a-",
        ],
        ["ipv4"] =
        [
            "192.168.0.1", "127.0.0.0.1", "256.256.256.256", "127.0", "0x7f000001", "087.10.0.1", "1\u09e87.0.0.1", "0.0.0.0",
            "255.255.255.255", "1.2.3.4\n", "1.2.3", "01.2.3.4", "1.2.3.04", "1..2.3", "1.2.3.4.", " 1.2.3.4", "192.168.1.0/24",
            "2130706433", "00.0.0.0", "1.2.3.256",
        ],
        ["ipv6"] =
        [
            "::1", "12345::", "::abef", "::", "1:1:1:1:1:1:1:1", "1:1:1:1:1:1:1:1:1", "::42:ff:1", "d6::", ":2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7:", ":", "1::d6::42", "1::d6:192.168.0.1", "1:2::192.168.256.1", "fe80::a%eth1",
            "100:100:100:100:100:100:255.255.255.255", "::ffff:192.168.0.1", "1:2:3:4:5:::8", "fe80:0000:0000:0000:0204:61ff:fe9d:f156",
            "FE80::1", "::1 ", "1:2:3:4:5:6:7:8:9", "::ffff:1.2.3", "::ffff:01.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4",
            "::1:2:3:4:5:6:7", "1::", "1:::2", "g::1", "::\u09e8", "[::1]", "0000:0000:0000:0000:0000:0000:0000:0000", "00000::",
        ],
        ["uri"] =
        [
            "http://foo.bar/?baz=qux#quux", "//foo.bar/?baz=qux#quux", "\\\\WINDOWS\\fileshare", "abc", "http:// shouldfail.com",
            ":// should fail", "mailto:John.Doe@example.com", "urn:oasis:names:specification:docbook:dtd:xml:4.1.2",
            "http://[2001:db8::1]:80/", "http://example.com:-80/", "bar,baz:foo", "http://a/b?c#d#e", "http://example.com/%zz",
            "x:", "http://example.com/a b", "http://ex ample.com", "http://example.com/ü", "ftp://ftp.is.co.za/rfc/rfc1808.txt",
            "tel:+1-816-555-1212", "http://example.com/{x}", "http://example.com/a|b", "http://[::1", "http://user@:80",
            "1http://x", "a+b-c.d:x", "http://example.com/%41", "http://example.com:80a/", "http://[v1.x]/", "http://e.com/?q=\"",
            "file:///tmp/x", "http://example.com/#frag?x", "http://example.com/\u0000", "http://[vz]/", "http://[v1.]/", "x:\u00a0",
        ],
        ["uri-reference"] =
        [
            "http://foo.bar/?baz=qux#quux", "/abc", "#fragment", "#frag\\ment", "\\\\WINDOWS\\fileshare", "abc", "", "//host", "a:b",
            "%", "?q=1", "../x", "a b", "#a#b", "//[::1]/x", "ü", "%41", "%4", "a:", ":a", "//host:80x/", "#{x}", "x/y:z",
        ],
        ["iri"] =
        [
            "http://ƒøø.ßår/?∂éœ=πîx#πîüx", "http://➡.ws/䨹", "http://[2001:0db8:85a3:0000:0000:8a2e:0370:7334]", "/abc", "\\\\WINDOWS\\filëßåré",
            "âππ", "http://a b.com", "http://example.com/%zz", "x:ü", "x:\u00a0", "x:\u2028", "x:\ue000", "x:?\ue000", "x:\ufdd0",
            "x:\U0001F600", "x:\U0010FFFF",
        ],
        ["iri-reference"] =
        [
            "http://ƒøø.ßår/?∂éœ=πîx#πîüx", "//ƒøø.ßår/?∂éœ=πîx#πîüx", "/âππ", "âππ", "#ƒrägmênt", "#ƒräg\\mênt", "\\\\WINDOWS\\filëßåré", "",
            "\u00a0", "#\u0085", "?\ue000", "\ue000", "\uffef", "\ufff0",
        ],
        ["uri-template"] =
        [
            "http://example.com/dictionary/{term:1}/{term}", "http://example.com/dictionary/{term:1}/{term", "http://example.com/dictionary",
            "dictionary/{term:1}/{term}", "{+x}", "{x,y}", "{}", "{x*}", "{x:3000}", "{x:0}", "}", "{a b}", "{%41}", "x{",
        ],
        ["uuid"] =
        [
            "2EB8AA08-AA98-11EA-B4AA-73B441D16380", "2eb8aa08-aa98-11ea-b4aa-73b441d16380", "2eb8aa08-AA98-11ea-B4Aa-73B441D16380",
            "00000000-0000-0000-0000-000000000000", "2eb8aa08-aa98-11ea-b4aa-73b441d1638", "2eb8aa08aa9811eab4aa73b441d16380",
            "{2eb8aa08-aa98-11ea-b4aa-73b441d16380}", "2eb8-aa08-aa98-11ea-b4aa73b441d16380", "98d80576-482e-427f-8434-7f86890ab222",
            "2eb8aa08-aa98-11ea-b4aa-73b441d1638g", "2eb8aa08-aa98-11ea-b4aa-73b441d16380\n", "(2eb8aa08-aa98-11ea-b4aa-73b441d16380)",
            "0x2eb8aa08,0xaa98,0x11ea,{0xb4,0xaa,0x73,0xb4,0x41,0xd1,0x63,0x80}", "2eb8aa08-aa98-11ea-b4aa_73b441d16380",
            "99999999-9999-9999-9999-999999999999", "ffffffff-ffff-ffff-ffff-ffffffffffff", "2eb8aa08-aa98-11ea-b4aa-73b441d16380 ",
        ],
        ["regex"] =
        [
            "([abc])+\\s+$", "^(abc]", "\\a", "[a-z", "(?<name>x)", "a{2,1}", "(?i)a", "\\p{L}", "*a", "a**", "\\1(a)", "", "a|",
            "(?=a)b", "(?<=a)b", "[\\d-z]", "\\c", "\\u12", "x{1", "(?#comment)", "[b-a]", "a{,3}", "\\k<x>(?<x>a)", "(?P<x>a)", "\\e", "\\Z",
            "\\z", "\\A", "[[:alpha:]]", "a++", "\\", "(", ")", "\\p{IsGreek}", "\\p{Letter}", "\\x4", "\\cJ", "/",
        ],
        ["json-pointer"] =
        [
            "/foo/bar~0/baz~1/%a", "", "/", "/foo//bar", "/~0", "/~2", "/~", "#", "#/", "a", "/foo/-", "/foo/0", "//", "/~01",
            "/foo/bar~", "/~1~0", "foo/bar", " /a", "/a b", "/\u00e9", "0", "/0/01",
        ],
        ["relative-json-pointer"] = ["1", "0/foo/bar", "2/0/baz/1/zip", "0#", "/foo/bar", "-1/foo/bar", "+1/foo/bar", "0##", "01/a", "01#", "", "120/foo/bar", "0/"],
        ["x-unknown-format"] = ["", "anything", "1"],
    };

    /// <summary>Values for enum, const and any position: values that are equal in JSON but spelled differently, and ones that are not.</summary>
    public static readonly DiffJson[] Literals =
    [
        DiffJson.Null, DiffJson.True, DiffJson.False,
        DiffJson.Number("0"), DiffJson.Number("-0"), DiffJson.Number("0.0"), DiffJson.Number("1"), DiffJson.Number("1.0"),
        DiffJson.Number("1e0"), DiffJson.Number("-1"), DiffJson.Number("2"), DiffJson.Number("2.5"), DiffJson.Number("0.1"),
        DiffJson.Number("0.3"), DiffJson.Number("100"), DiffJson.Number("1e2"), DiffJson.Number("1e308"), DiffJson.Number("-1e308"),
        DiffJson.Number("1e-7"), DiffJson.Number("9007199254740993"), DiffJson.Number("12345678901234567890123"),
        DiffJson.Number("123456789012345678901234567890"), DiffJson.Number("5e-324"),
        DiffJson.Text(""), DiffJson.Text("a"), DiffJson.Text("1"), DiffJson.Text("💩"), DiffJson.Text("a", StringEscape.All),
        DiffJson.Array(), DiffJson.Array(DiffJson.Number("1")), DiffJson.Array(DiffJson.Number("1.0")),
        DiffJson.Array(DiffJson.Number("1"), DiffJson.Text("a")), DiffJson.Array(DiffJson.Array()), DiffJson.Array(DiffJson.Object()),
        DiffJson.Array(DiffJson.False), DiffJson.Array(DiffJson.Number("0")),
        DiffJson.Object(), DiffJson.Object(("a", DiffJson.Number("1"))), DiffJson.Object(("a", DiffJson.Number("1.0"))),
        DiffJson.Object(("a", DiffJson.Number("1")), ("b", DiffJson.Number("2"))),
        DiffJson.Object(("b", DiffJson.Number("2")), ("a", DiffJson.Number("1"))),
        DiffJson.Object(("a", DiffJson.Array())), DiffJson.Object(("a", DiffJson.Null)), DiffJson.Object(("", DiffJson.True)),
    ];

    /// <summary>Integer values for <c>type: integer</c>: spellings with a fraction or exponent that are still integers, and ones that are not.</summary>
    public static readonly string[] Integers =
    [
        "0", "1", "-1", "1.0", "1e2", "1E2", "10e-1", "-0", "0.0", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "18446744073709551616", "1e30", "1e308", "1.5", "1e-1", "0.1e1", "123456789012345678901234567890.0", "1.000000000000000000001",
        "4.9e-324", "1.0000000000000002",
    ];

    public static string Format(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
