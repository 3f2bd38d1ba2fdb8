using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Reference = Json.Schema;

namespace Patchbay.Sdk.Tests.Schema;

/// <summary>
/// A place where JsonSchema.Net 8.0.5 answers differently from draft 7: the smallest case that shows it, the verdict
/// draft 7 requires there, why, and a workaround. A disagreement in the differential test is excluded only when
/// JsonSchema.Net, given the workaround, agrees with Patchbay; so each entry excludes exactly its own bug.
/// </summary>
internal sealed record KnownDifference(string Id, string Schema, string Instance, bool ValidPerDraft7, string Why)
{
    /// <summary>An equivalent draft-7 schema that avoids the bug (the input unchanged where the bug is absent).</summary>
    public Func<string, string>? Rewrite { get; init; }

    /// <summary>For (format, string): the draft-7 verdict where JsonSchema.Net's is wrong, else null (JsonSchema.Net's own).</summary>
    public Func<string, string, bool?>? FormatVerdict { get; init; }

    /// <summary>An equal instance (draft 7 compares values, not spellings) that avoids the bug.</summary>
    public Func<string, string>? RewriteInstance { get; init; }

    /// <summary>
    /// For bugs no equivalent input avoids: whether (schema, instance, JsonSchema.Net's exception or null) shows this bug.
    /// Checked with the test's own arithmetic, never with Patchbay's.
    /// </summary>
    public Func<string, string, Exception?, bool>? Shows { get; init; }
}

/// <summary>The JsonSchema.Net bugs the differential test found (bench/RESULTS.md has the runs that found them).</summary>
internal static class KnownDifferences
{
    /// <summary>.NET-only regex syntax in the format pool: each is not ECMA-262 (the suite's optional/format/regex.json and ecmascript-regex.json).</summary>
    private static readonly HashSet<string> DotNetOnlyRegex = new(StringComparer.Ordinal)
    {
        "(?#comment)", "(?i)a", "\\a", "\\A", "\\Z", "\\z", "\\e", "\\p{IsGreek}",
    };

    /// <summary>Formats whose grammar has no control character anywhere.</summary>
    private static readonly HashSet<string> NoControlCharacters = new(StringComparer.Ordinal)
    {
        "date-time", "date", "time", "email", "idn-email", "hostname", "idn-hostname", "ipv4", "ipv6", "uuid",
        "uri", "uri-reference", "iri", "iri-reference", "uri-template",
    };

    /// <summary>RFC 6570 §2: literals, and expressions of an optional operator and comma-separated varspecs.</summary>
    private static readonly Regex UriTemplateGrammar = new(
        """^(?:[^\x00-\x20"'%<>\\^`{|}\x7F]|%[0-9A-Fa-f]{2}|\{[+#./;?&=,!@|]?(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})(?:\.?(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2}))*(?::[1-9][0-9]{0,3}|\*)?(?:,(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})(?:\.?(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2}))*(?::[1-9][0-9]{0,3}|\*)?)*\})*$""",
        RegexOptions.CultureInvariant);

    /// <summary>RFC 3986 / 3987 verdicts for exact values System.Uri gets wrong.</summary>
    private static readonly Func<string, string, bool?> UriTable = Table(["uri", "uri-reference", "iri", "iri-reference"], new()
            {
                ["http://a/b?c#d#e"] = false,
                ["http://example.com/%zz"] = false,
                ["x:"] = true,
                ["http://user@:80"] = true,
                ["http://[v1.x]/"] = true,
                ["a:b"] = true,
                ["%"] = false,
                ["#a#b"] = false,
                ["%4"] = false,
                [":a"] = false,
                ["//host:80x/"] = false,
                ["x:ü"] = true,
                ["x:\u00a0"] = true,
                ["x:\u2028"] = true,
                ["x:?\ue000"] = true,
                ["x:\U0001F600"] = true,
                ["#\u0085"] = false,
                ["\u0085"] = false,
                ["\ue000"] = false,
                ["\ufff0"] = false,
                [" "] = false,
            });

    public static readonly KnownDifference[] All =
    [
        new("ref-siblings-applied",
            """{"maximum":-1,"$ref":"#/definitions/a","definitions":{"a":{}}}""", "2", true,
            "Draft 7 core §8.3: \"All other properties in a $ref object MUST be ignored.\" JsonSchema.Net ignores the keywords after "
            + "$ref but applies those written before it, so member order changes the verdict.")
        {
            Rewrite = RefFirst,
        },
        new("unicode-property-long-names",
            """{"pattern":"^\\p{Letter}$"}""", "\"é\"", true,
            "Draft 7 validation §4.3: patterns are ECMA-262 regular expressions, where \\p{Letter} is General_Category=Letter "
            + "(the official suite's optional/ecmascript-regex.json tests it). JsonSchema.Net hands the pattern to .NET, which only "
            + "knows the short name \\p{L}, and the schema fails to build.")
        {
            Rewrite = schema => schema.Replace("\\\\p{Letter}", "\\\\p{L}", StringComparison.Ordinal),
        },
        new("numbers-beyond-decimal",
            """{"enum":[0]}""", "1e-30", false,
            "Draft 7 compares JSON numbers by value, of any size and precision (core §4.2.2). JsonSchema.Net converts them to "
            + "System.Decimal for enum, const and uniqueItems: 1e-30 and 5e-324 round to 0 and equal it (on either side: an "
            + "instance 0 matches const 5e-324), and numbers beyond ±7.9e28 throw FormatException instead of answering.")
        {
            Shows = (schema, instance, error) => error is FormatException or OverflowException
                ? HasNumberDecimalCannotHold(schema) || HasNumberDecimalCannotHold(instance)
                : (HasNumberDecimalCannotHold(instance) && ((string[])["\"enum\"", "\"const\"", "\"uniqueItems\""]).Any(k => schema.Contains(k, StringComparison.Ordinal)))
                    || HasNumberDecimalCannotHold("[" + string.Join(",", EnumAndConstValues(schema)) + "]"),
        },
        new("integer-through-double",
            """{"type":"integer"}""", "1.0000000000000001", false,
            "Draft 7 validation §6.1.1 / core §4.2.1: an integer is a number with a zero fractional part. JsonSchema.Net decides "
            + "through double, where 1.0000000000000001 rounds to 1.")
        {
            Shows = (schema, instance, _) => schema.Contains("\"integer\"", StringComparison.Ordinal) && Numbers(instance).Any(IsFractionDoubleRoundsAway),
        },
        new("uniqueItems-nested-number-spelling",
            """{"uniqueItems":true}""", "[[1],[1.0]]", false,
            "Draft 7 validation §6.4.3 with core §4.2.2: 1 and 1.0 are equal, so [[1],[1.0]] has two equal items. JsonSchema.Net "
            + "compares numbers inside nested arrays and objects by their spelling (top-level items and enum/const compare right).")
        {
            RewriteInstance = CanonicalNumbers,
        },
        new("length-counts-graphemes",
            """{"maxLength":1}""", "\"e\\u0301\"", false,
            "Draft 7 validation §6.3.1: a string's length is its number of characters (code points, RFC 8259). JsonSchema.Net "
            + "counts grapheme clusters, so e + U+0301 COMBINING ACUTE is 1 long instead of 2.")
        {
            Shows = (schema, instance, _) => Strings(instance).Any(GraphemesDiffer) && AgreesWithoutLengths(schema, instance),
        },
        new("pattern-dot",
            """{"pattern":"^.$"}""", "\"\\r\"", false,
            "ECMA-262 (draft 7 validation §4.3): . matches any code point but the line terminators \\n \\r U+2028 U+2029, and a "
            + "surrogate pair as one character. JsonSchema.Net runs the pattern as .NET, where . matches \\r and half a pair.")
        {
            Rewrite = schema => RewritePatterns(schema, pattern => EcmaPatterns.Rewrite(pattern, EcmaPatterns.Construct.Dot)),
        },
        new("pattern-dollar",
            """{"pattern":"^abc$"}""", "\"abc\\n\"", false,
            "ECMA-262: $ without the m flag matches only at the end of the input. .NET's $ also matches before a final \\n.")
        {
            Rewrite = schema => RewritePatterns(schema, pattern => EcmaPatterns.Rewrite(pattern, EcmaPatterns.Construct.Dollar)),
        },
        new("pattern-whitespace-class",
            """{"pattern":"^\\s$"}""", "\"\\u00a0\"", true,
            "ECMA-262: \\s is WhiteSpace and LineTerminator, which include U+00A0, U+FEFF and the Zs spaces. JsonSchema.Net's \\s "
            + "(.NET's ECMAScript mode) is only [ \\f\\n\\r\\t\\v].")
        {
            Rewrite = schema => RewritePatterns(schema, pattern => EcmaPatterns.Rewrite(pattern, EcmaPatterns.Construct.Space)),
        },
        new("pattern-astral-quantifier",
            """{"pattern":"^🐲*$"}""", "\"\"", true,
            "ECMA-262 with Unicode semantics (the suite's optional/non-bmp-regex.json): a quantifier after 🐲 repeats the whole "
            + "character. In .NET it repeats only the low surrogate, so ^🐲*$ rejects the empty string.")
        {
            Rewrite = schema => RewritePatterns(schema, pattern => EcmaPatterns.Rewrite(pattern, EcmaPatterns.Construct.Astral)),
        },
        new("format-control-characters",
            """{"format":"uri-reference"}""", "\"abc\\n\"", false,
            "Draft 7 validation §7.3: date-time (RFC 3339), email (RFC 5322), hostname (RFC 1034), ipv4/ipv6, uuid, uri and iri "
            + "(RFC 3986/3987), uri-template (RFC 6570): none of these grammars has a control character. JsonSchema.Net's format "
            + "regexes end in .NET's $, which also matches before a final \\n, and System.Uri accepts \\n and \\t.")
        {
            FormatVerdict = (format, value) => NoControlCharacters.Contains(format) && value.Any(char.IsControl) ? false : null,
        },
        new("format-date-time-date",
            """{"format":"date"}""", "\"0000-01-01\"", true,
            "RFC 3339 §5.6 (draft 7 validation §7.3.1): date-fullyear is any 4 digits, 0000 included (JsonSchema.Net goes through "
            + "System.DateTime: date says invalid, date-time throws); the separator is T or t, not a space (the §5.6 note lets "
            + "applications choose a space, the date-time production does not).")
        {
            FormatVerdict = Table(["date-time", "date"], new()
            {
                ["0000-01-01"] = true,
                ["0000-01-01T00:00:00Z"] = true,
                ["1963-06-19 08:30:06Z"] = false,
            }),
        },
        new("format-email-hostname-ipv6-uuid",
            """{"format":"hostname"}""", "\"xn--4gbwdl.xn--wgbh1c\"", true,
            "email (RFC 5322 §3.4.1): a domain is a dot-atom, so a@b is valid; atext is ASCII, so a@é.com is not (it is an "
            + "idn-email). idn-email (RFC 6531): an unquoted space is not atext. hostname (RFC 1034/1123, RFC 5890): punycode "
            + "A-labels such as xn--4gbwdl are valid (the suite's hostname.json), and a name is at most 253 characters. ipv6 "
            + "(RFC 4291 §2.2): brackets belong to URIs, not to the address. uuid (RFC 4122 §3): exactly 36 characters, no "
            + "trailing space (System.Guid trims it).")
        {
            FormatVerdict = Table(["email", "idn-email", "hostname", "ipv6", "uuid"], new()
            {
                ["a@b"] = true,
                ["a@é.com"] = false,
                ["a b@example.com"] = false,
                ["xn--4gbwdl.xn--wgbh1c"] = true,
                ["XN--4GBWDL.XN--WGBH1C"] = true,
                [string.Join('.', Enumerable.Repeat(new string('a', 63), 4))] = false,
                ["[::1]"] = false,
                ["2eb8aa08-aa98-11ea-b4aa-73b441d16380 "] = false,
            }),
        },
        new("format-uri-iri",
            """{"format":"uri"}""", "\"http://user@:80\"", true,
            "RFC 3986 (uri, uri-reference; draft 7 validation §7.3.5) and RFC 3987 (iri, iri-reference): a reg-name may be empty "
            + "(http://user@:80), an IP literal may be IPvFuture ([v1.x]), x: and a:b are absolute URIs, a fragment has no second "
            + "#, % must start a %HH escape, a port is digits, a relative reference's first segment has no colon unless it is a "
            + "scheme (:a, 2013-350T01:01:01 and 1::d6::42 are not references; §4.2), and IRI "
            + "characters are exactly ucschar (ü, U+00A0, U+2028, 😀) with private use (U+E000) only in the query and no "
            + "specials (U+FFF0) or C1 controls (U+0085). JsonSchema.Net asks System.Uri, which differs on each.")
        {
            FormatVerdict = (format, value) => format is "uri-reference" or "iri-reference" && FirstSegmentColonWithoutScheme(value)
                ? false
                : UriTable(format, value),
        },
        new("format-regex-relative-json-pointer",
            """{"format":"regex"}""", "\"(?#comment)\"", false,
            "Draft 7 validation §7.3.8: format regex means a valid ECMA-262 regular expression. JsonSchema.Net asks .NET, which "
            + "accepts its own syntax ((?#...) comments, inline flags (?i), \\a \\A \\Z \\z \\e, named blocks \\p{IsGreek}, \\é "
            + "although IdentityEscape excludes ID_Continue characters, \\1 in a pattern without a first group, which ECMA-262's "
            + "early errors refuse and only Annex B's web-browser grammar reads as an octal escape) and "
            + "rejects ECMA-262's \\p{Letter}. relative-json-pointer (draft-handrews-relative-json-pointer-01 §3): the prefix is "
            + "ASCII digits; JsonSchema.Net throws FormatException on Arabic-Indic ones instead of answering.")
        {
            FormatVerdict = (format, value) => format switch
            {
                "regex" when DotNetOnlyRegex.Contains(value) => false,
                "regex" when value == "\\p{Letter}" => true,
                "regex" when EscapesIdContinue(value) => false,
                "regex" when ReferencesMissingGroup(value) => false,
                "relative-json-pointer" when value.Any(c => char.IsDigit(c) && !char.IsAsciiDigit(c)) => false,
                _ => null,
            },
        },
        new("uri-template-unchecked",
            """{"format":"uri-template"}""", "\"{x:0}\"", false,
            "Draft 7 validation §7.3.6: uri-template is RFC 6570 syntax (a prefix length is 1 to 9999, variable names have no "
            + "spaces). JsonSchema.Net checks uri-template like a URI reference. The verdict used instead is RFC 6570's grammar, "
            + "written out in this test.")
        {
            FormatVerdict = (format, value) => format == "uri-template" ? UriTemplateGrammar.IsMatch(value) : null,
        },
    ];

    /// <summary>The entries that explain a disagreement: the first alone that makes JsonSchema.Net agree, else all together, else none.</summary>
    public static KnownDifference[] Explain(string schema, string instance, bool ours, Exception? theirsError)
    {
        foreach (KnownDifference difference in All)
        {
            if (difference.Shows?.Invoke(schema, instance, theirsError) == true)
            {
                return [difference];
            }
        }

        foreach (KnownDifference difference in All)
        {
            if ((difference.Rewrite ?? difference.RewriteInstance ?? (object?)difference.FormatVerdict) is not null && AgreesWith(ours, schema, instance, [difference]))
            {
                return [difference];
            }
        }

        if (!AgreesWith(ours, schema, instance, All))
        {
            return [];
        }

        // Several bugs at once: keep only the entries whose workarounds are needed.
        KnownDifference[] needed = All;
        foreach (KnownDifference difference in All)
        {
            KnownDifference[] without = [.. needed.Where(d => d != difference)];
            if (AgreesWith(ours, schema, instance, without))
            {
                needed = without;
            }
        }

        return needed;
    }

    /// <summary>
    /// Whether the two agree once minLength and maxLength are gone (both validators on the same schema, JsonSchema.Net with
    /// every other workaround): the diagnostic that the length keywords, not something else, caused a disagreement.
    /// </summary>
    private static bool AgreesWithoutLengths(string schema, string instance)
    {
        try
        {
            string withoutLengths = RemoveKeywords(schema, "minLength", "maxLength");
            using JsonDocument document = JsonDocument.Parse(instance);
            bool ours = DiffRunner.OursIsValid(DiffRunner.ParseOurs(withoutLengths), document.RootElement);
            return AgreesWith(ours, withoutLengths, instance, [.. All.Where(d => d.Id != "length-counts-graphemes")]);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }

    /// <summary>The JSON text of every enum and const value in a schema.</summary>
    private static List<string> EnumAndConstValues(string schema)
    {
        var values = new List<string>();
        void Walk(JsonNode? node)
        {
            if (node is JsonObject obj)
            {
                foreach (KeyValuePair<string, JsonNode?> member in obj)
                {
                    if (member.Key is "enum" or "const")
                    {
                        values.Add(member.Value?.ToJsonString() ?? "null");
                    }
                    else
                    {
                        Walk(member.Value);
                    }
                }
            }
            else if (node is JsonArray array)
            {
                foreach (JsonNode? item in array)
                {
                    Walk(item);
                }
            }
        }

        Walk(JsonNode.Parse(schema));
        return values;
    }

    /// <summary>The same schema without the named keywords anywhere.</summary>
    private static string RemoveKeywords(string schema, params string[] names)
    {
        JsonNode? Walk(JsonNode? node) => node switch
        {
            JsonObject obj => new JsonObject(obj.Where(p => !names.Contains(p.Key)).Select(p => KeyValuePair.Create(p.Key, Walk(p.Value?.DeepClone())))),
            JsonArray array => new JsonArray([.. array.Select(item => Walk(item?.DeepClone()))]),
            _ => node,
        };

        return Walk(JsonNode.Parse(schema))!.ToJsonString();
    }

    /// <summary>Whether JsonSchema.Net, with these workarounds, reaches Patchbay's verdict (a throw counts as no).</summary>
    private static bool AgreesWith(bool ours, string schema, string instance, KnownDifference[] workarounds)
    {
        try
        {
            string rewritten = workarounds.Aggregate(schema, (text, d) => d.Rewrite?.Invoke(text) ?? text);
            Reference.EvaluationOptions options = DiffRunner.CreateEvaluationOptions();
            options.FormatRegistry = new Reference.FormatRegistry(); // a fresh EvaluationOptions hands out the global one
            Func<string, string, bool?>[] verdicts = [.. workarounds.Select(d => d.FormatVerdict).OfType<Func<string, string, bool?>>()];
            if (verdicts.Length > 0)
            {
                foreach (string format in DiffPools.Formats)
                {
                    options.FormatRegistry.Register(new CorrectedFormat(format, verdicts));
                }
            }

            string equalInstance = workarounds.Aggregate(instance, (text, d) => d.RewriteInstance?.Invoke(text) ?? text);
            using JsonDocument document = JsonDocument.Parse(equalInstance);
            return Build(rewritten).Evaluate(document.RootElement, options).IsValid == ours;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return workarounds.Any(d => d.Shows?.Invoke(schema, instance, ex) == true);
        }
    }

    private static readonly Dictionary<string, Reference.JsonSchema> Built = new(StringComparer.Ordinal);

    /// <summary>JsonSchema.Net's schema for a (rewritten) schema text, built once per case rather than once per instance.</summary>
    private static Reference.JsonSchema Build(string schema)
    {
        lock (Built)
        {
            if (Built.TryGetValue(schema, out Reference.JsonSchema? built))
            {
                return built;
            }

            if (Built.Count > 256)
            {
                Built.Clear();
            }

            return Built[schema] = DiffRunner.BuildReference(schema);
        }
    }

    /// <summary>JsonSchema.Net's own check for a format, except where a known difference gives draft 7's verdict.</summary>
    internal sealed class CorrectedFormat(string key, Func<string, string, bool?>[] verdicts) : Reference.Format(key)
    {
        private readonly Reference.Format _original = Reference.FormatRegistry.Global.Get(key);

        public override bool Validate(JsonElement value, out string? errorMessage)
        {
            if (value.ValueKind == JsonValueKind.String)
            {
                string text = value.GetString()!;
                foreach (Func<string, string, bool?> verdict in verdicts)
                {
                    if (verdict(Key, text) is bool corrected)
                    {
                        errorMessage = corrected ? null : "not a valid " + Key + " (draft 7)";
                        return corrected;
                    }
                }
            }

            return _original.Validate(value, out errorMessage);
        }
    }

    /// <summary>The same schema with <c>$ref</c> first in every object (draft 7 ignores its siblings in any order).</summary>
    internal static string RefFirst(string schema)
    {
        static JsonNode? Reorder(JsonNode? node) => node switch
        {
            JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key == "$ref" ? 0 : 1)
                .Select(p => KeyValuePair.Create(p.Key, Reorder(p.Value?.DeepClone())))),
            JsonArray array => new JsonArray([.. array.Select(item => Reorder(item?.DeepClone()))]),
            _ => node,
        };

        return Reorder(JsonNode.Parse(schema))!.ToJsonString();
    }


    /// <summary>RFC 3986 §4.2: a relative reference's first segment has no colon (else it would read as a scheme).</summary>
    private static bool FirstSegmentColonWithoutScheme(string value)
    {
        int end = value.IndexOfAny(['/', '?', '#']);
        string first = end < 0 ? value : value[..end];
        int colon = first.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && !(colon > 0 && char.IsAsciiLetter(first[0])
            && first[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'));
    }

    /// <summary>ECMA-262 §22.2.1 IdentityEscape: \ before an ID_Continue character (é, U+0301) is not an escape.</summary>
    private static bool EscapesIdContinue(string value)
    {
        for (int i = 0; i + 1 < value.Length; i++)
        {
            if (value[i] == '\\')
            {
                char next = value[++i];
                if (next > 0x7F && char.GetUnicodeCategory(next) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
                    or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.LetterNumber
                    or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.DecimalDigitNumber
                    or UnicodeCategory.ConnectorPunctuation)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// ECMA-262 §22.2.1.1 early errors: a DecimalEscape (\1) larger than the number of capturing groups is a syntax error
    /// (Annex B's octal reading is for web browsers only, as the IdentityEscape rule above).
    /// </summary>
    private static bool ReferencesMissingGroup(string value)
    {
        int groups = 0;
        int highest = 0;
        bool inClass = false;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c == '\\' && i + 1 < value.Length)
            {
                int start = ++i;
                if (!inClass && value[i] is >= '1' and <= '9')
                {
                    while (i + 1 < value.Length && char.IsAsciiDigit(value[i + 1])) i++;
                    highest = Math.Max(highest, int.Parse(value.AsSpan(start, Math.Min(i - start + 1, 6)), System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            else if (c == '[')
            {
                inClass = true;
            }
            else if (c == ']')
            {
                inClass = false;
            }
            else if (c == '(' && !inClass && (i + 1 >= value.Length || value[i + 1] != '?'
                || (i + 3 < value.Length && value[i + 2] == '<' && value[i + 3] is not ('=' or '!'))))
            {
                groups++;
            }
        }

        return highest > groups;
    }

    /// <summary>Draft 7's verdicts for exact values of some formats, where JsonSchema.Net's differ.</summary>
    private static Func<string, string, bool?> Table(string[] formats, Dictionary<string, bool> verdicts) =>
        (format, value) => formats.Contains(format) && verdicts.TryGetValue(value, out bool verdict) ? verdict : null;

    /// <summary>The same schema with every <c>pattern</c> and <c>patternProperties</c> key passed through <paramref name="rewrite"/>.</summary>
    private static string RewritePatterns(string schema, Func<string, string> rewrite)
    {
        JsonNode? Walk(JsonNode? node) => node switch
        {
            JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, p.Key switch
            {
                "pattern" when p.Value is JsonValue value && value.TryGetValue(out string? pattern) => JsonValue.Create(rewrite(pattern)),
                "patternProperties" when p.Value is JsonObject map =>
                    new JsonObject(map.Select(m => KeyValuePair.Create(rewrite(m.Key), Walk(m.Value?.DeepClone())))),
                _ => Walk(p.Value?.DeepClone()),
            }))),
            JsonArray array => new JsonArray([.. array.Select(item => Walk(item?.DeepClone()))]),
            _ => node,
        };

        return Walk(JsonNode.Parse(schema))!.ToJsonString();
    }

    /// <summary>The same instance with every number that System.Decimal holds written canonically (1.0 and 1e0 as 1).</summary>
    private static string CanonicalNumbers(string instance)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(instance));
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject: writer.WriteStartObject(); break;
                    case JsonTokenType.EndObject: writer.WriteEndObject(); break;
                    case JsonTokenType.StartArray: writer.WriteStartArray(); break;
                    case JsonTokenType.EndArray: writer.WriteEndArray(); break;
                    case JsonTokenType.PropertyName: writer.WritePropertyName(reader.GetString()!); break;
                    case JsonTokenType.String: writer.WriteStringValue(reader.GetString()); break;
                    case JsonTokenType.True: writer.WriteBooleanValue(true); break;
                    case JsonTokenType.False: writer.WriteBooleanValue(false); break;
                    case JsonTokenType.Null: writer.WriteNullValue(); break;
                    default:
                        string raw = Encoding.UTF8.GetString(reader.ValueSpan);
                        if (DecimalHolds(raw, out decimal value))
                        {
                            writer.WriteRawValue((value / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            writer.WriteRawValue(raw);
                        }

                        break;
                }
            }
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static List<string> Numbers(string json)
    {
        var numbers = new List<string>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.Number)
            {
                numbers.Add(Encoding.UTF8.GetString(reader.ValueSpan));
            }
        }

        return numbers;
    }

    private static List<string> Strings(string json)
    {
        var strings = new List<string>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
            {
                strings.Add(reader.GetString()!);
            }
        }

        return strings;
    }

    internal static bool HasNumberDecimalCannotHold(string json) => Numbers(json).Any(n => !DecimalHolds(n, out _));

    /// <summary>Whether System.Decimal holds this JSON number exactly: its value, by the test's own big-integer arithmetic.</summary>
    internal static bool DecimalHolds(string raw, out decimal value)
    {
        if (!decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }

        (BigInteger significand, long exponent) = Exact(raw);
        int[] bits = decimal.GetBits(value);
        var held = new BigInteger(((ulong)(uint)bits[2] << 32) | (uint)bits[1]);
        held = (held << 32) | (uint)bits[0];
        (BigInteger heldSignificand, long heldExponent) = Normalize(value < 0 ? -held : held, -((bits[3] >> 16) & 0xFF));
        return heldSignificand == significand && (significand.IsZero || heldExponent == exponent);
    }

    /// <summary>A JSON number's exact value as significand × 10^exponent, without trailing zeros.</summary>
    private static (BigInteger Significand, long Exponent) Exact(string raw)
    {
        int e = raw.IndexOfAny(['e', 'E']);
        string mantissa = e < 0 ? raw : raw[..e];
        long exponent = e < 0 ? 0 : long.Parse(raw[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            exponent -= mantissa.Length - dot - 1;
            mantissa = mantissa.Remove(dot, 1);
        }

        return Normalize(BigInteger.Parse(mantissa, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), exponent);
    }

    private static (BigInteger, long) Normalize(BigInteger significand, long exponent)
    {
        if (significand.IsZero)
        {
            return (significand, 0);
        }

        while ((significand % 10).IsZero)
        {
            significand /= 10;
            exponent++;
        }

        return (significand, exponent);
    }

    /// <summary>A number with a non-zero fraction that double rounds to a whole number (1.0000000000000001).</summary>
    private static bool IsFractionDoubleRoundsAway(string raw)
    {
        (_, long exponent) = Exact(raw);
        double approximate = double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
        return exponent < 0 && double.IsFinite(approximate) && Math.Floor(approximate) == approximate;
    }

    /// <summary>Whether a string has a different number of grapheme clusters than of code points.</summary>
    private static bool GraphemesDiffer(string value) =>
        new StringInfo(value).LengthInTextElements != value.EnumerateRunes().Count();
}
