namespace Patchbay.Sdk.Tests.Schema;

/// <summary>The official draft-7 suite: one theory case per test.</summary>
public class JsonSchemaConformanceTests
{
    public static TheoryData<string, int, int> Required => TestSuite.Cases(TestSuite.Files("*.json"));

    public static TheoryData<string, int, int> Optional => TestSuite.Cases(OptionalFiles);

    /// <summary>The optional files that pass in full (see bench/RESULTS.md for the ones left out and why).</summary>
    internal static readonly string[] OptionalFiles =
    [
        "optional/bignum.json",
        "optional/ecmascript-regex.json",
        "optional/non-bmp-regex.json",
        "optional/float-overflow.json",
        "optional/content.json",
        "optional/format/date-time.json",
        "optional/format/date.json",
        "optional/format/time.json",
        "optional/format/email.json",
        "optional/format/hostname.json",
        "optional/format/ipv4.json",
        "optional/format/ipv6.json",
        "optional/format/uri.json",
        "optional/format/uri-reference.json",
        "optional/format/iri.json",
        "optional/format/iri-reference.json",
        "optional/format/regex.json",
        "optional/format/json-pointer.json",
        "optional/format/relative-json-pointer.json",
        "optional/format/uri-template.json",
        "optional/format/unknown.json",
        "optional/format/ecmascript-regex.json",
        "optional/format/idn-email.json",
        "optional/id.json",
        "optional/unknownKeyword.json",
    ];

    [Theory]
    [MemberData(nameof(Required))]
    public void Draft7(string file, int group, int test) => TestSuite.Run(file, group, test);

    [Theory]
    [MemberData(nameof(Optional))]
    public void Draft7Optional(string file, int group, int test) => TestSuite.Run(file, group, test);
}
