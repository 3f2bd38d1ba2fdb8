using System.Text;
using System.Text.Json;
using Patchbay.Sdk.Schema;

namespace Patchbay.Sdk.Tests.Schema;

/// <summary>
/// The validator's shortcuts, each against the answer it must give: <c>required</c> checked in the properties pass (a bit
/// per name, names inside and outside <c>properties</c>, escapes, more than 64 names), the property lookup's guess of the
/// next name, bounds read once for several keywords, and the email local part. <c>IsValid</c> (the fast pass) and
/// <c>Validate</c> (the pass that reports) must agree on every case, and the reported errors are exact.
/// </summary>
public class SchemaFastPathTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    private static string[] Errors(string schema, string instance, bool stopAtFirstError = false)
    {
        JsonSchema compiled = JsonSchema.Parse(schema, new JsonSchemaOptions { StopAtFirstError = stopAtFirstError });
        SchemaValidationResult result = compiled.Validate(Json(instance));
        Assert.Equal(result.IsValid, compiled.IsValid(Json(instance)));
        return [.. result.Errors.Select(e => $"{e.InstancePath} {e.SchemaPath} {e.Keyword}: {e.Message}")];
    }

    [Theory]
    // required names all in properties, present in any order
    [InlineData("""{"b":1,"a":2}""")]
    [InlineData("""{"a":2,"b":1,"c":3}""")]
    // an escaped name is the name it spells
    [InlineData("""{"\u0061":1,"b":2}""")]
    [InlineData("""{"a":1,"\u0062":2}""")]
    public void Required_InProperties_PresentInAnyOrderOrSpelling_IsValid(string instance) =>
        Assert.Empty(Errors("""{"properties":{"a":{},"b":{},"c":{}},"required":["a","b"]}""", instance));

    [Fact]
    public void Required_Missing_ReportedInTheOrderRequiredListsThem_AfterPropertyErrors()
    {
        string schema = """{"properties":{"a":{"type":"string"},"b":{},"c":{}},"required":["c","x","a","b"]}""";

        Assert.Equal(
            [
                "/a /properties/a/type type: must be a string, not integer",
                "/c /required required: is required",
                "/x /required required: is required",
            ],
            Errors(schema, """{"a":1,"b":2}"""));
        Assert.Equal(["/a /properties/a/type type: must be a string, not integer"], Errors(schema, """{"a":1,"b":2}""", stopAtFirstError: true));
        Assert.Equal(["/c /required required: is required"], Errors(schema, """{"a":"s"}""", stopAtFirstError: true));
    }

    [Theory]
    [InlineData("""{"x":1,"y":2}""", new string[0])]
    [InlineData("""{"y":2,"x":1,"z":3}""", new string[0])]
    [InlineData("""{"\u0078":1,"y":2}""", new string[0])]
    [InlineData("""{"y":2}""", new[] { "/x /required required: is required", "/x /required required: is required" })]
    [InlineData("""{"x":2}""", new[] { "/y /required required: is required" })]
    [InlineData("""{}""", new[] { "/x /required required: is required", "/y /required required: is required", "/x /required required: is required" })]
    public void Required_NotInProperties_OrWithoutProperties_AndRepeated(string instance, string[] expected)
    {
        Assert.Equal(expected, Errors("""{"required":["x","y","x"]}""", instance));
        Assert.Equal(expected, Errors("""{"properties":{"a":{}},"required":["x","y","x"]}""", instance));
        Assert.Equal(expected, Errors("""{"additionalProperties":{"type":"integer"},"required":["x","y","x"]}""", instance));
    }

    [Fact]
    public void Required_NamesThatLookLikeEscapes_AreComparedAsText()
    {
        // The schema's name is a, backslash, b; the instance spells it with an escaped backslash.
        string schema = """{"properties":{"a\\b":{"type":"integer"},"x":{}},"required":["a\\b","x"]}""";

        Assert.Empty(Errors(schema, """{"a\\b":1,"x":0}"""));
        Assert.Empty(Errors(schema, """{"x":0,"a\u005cb":1}"""));
        Assert.Equal(["/a\\b /required required: is required"], Errors(schema, """{"x":0,"ab":1}"""));
        Assert.Equal(["/a\\b /properties/a\\b/type type: must be an integer, not string"], Errors(schema, """{"x":0,"a\\b":"1"}"""));

        // The schema's second name is a, backslash, backslash, b: the raw bytes of the instance's escaped name, not its text.
        string raw = """{"additionalProperties":false,"properties":{"x":{},"a\\\\b":{}}}""";
        Assert.Equal(["/a\\b /additionalProperties additionalProperties: is not an allowed property"], Errors(raw, """{"x":0,"a\\b":1}"""));
        Assert.Empty(Errors(raw, """{"x":0,"a\\\\b":1}"""));
    }

    [Fact]
    public void Required_BeyondSixtyFourProperties_AndSixtyFourNames()
    {
        string properties = string.Join(",", Enumerable.Range(0, 70).Select(i => $"\"p{i}\":{{\"type\":\"integer\"}}"));
        string someOf = string.Join(",", Enumerable.Range(0, 70).Where(i => i % 2 == 0).Select(i => $"\"p{i}\""));
        string extra = string.Join(",", Enumerable.Range(0, 70).Select(i => $"\"q{i}\""));
        string all = "{" + string.Join(",", Enumerable.Range(0, 70).Select(i => $"\"p{i}\":{i}")) + "}";
        string allButP66 = "{" + string.Join(",", Enumerable.Range(0, 70).Where(i => i != 66).Select(i => $"\"p{i}\":{i}")) + "}";

        Assert.Empty(Errors("{\"properties\":{" + properties + "},\"required\":[" + someOf + "]}", all));
        Assert.Equal(["/p66 /required required: is required"], Errors("{\"properties\":{" + properties + "},\"required\":[" + someOf + "]}", allButP66));

        string qs = "{" + string.Join(",", Enumerable.Range(0, 70).Reverse().Select(i => $"\"q{i}\":{i}")) + "}";
        Assert.Empty(Errors("{\"required\":[" + extra + "]}", qs));
        Assert.Equal(
            ["/q3 /required required: is required", "/q69 /required required: is required"],
            Errors("{\"required\":[" + extra + "]}", qs.Replace("\"q3\":3,", "", StringComparison.Ordinal).Replace("{\"q69\":69,", "{", StringComparison.Ordinal)));
    }

    [Fact]
    public void Properties_RepeatedInTheSchema_KeepTheFirstSchemaAndTheirRequired()
    {
        // JSON does not forbid a repeated key; the validator has always used the first entry of a short list.
        string schema = """{"properties":{"a":{"type":"string"},"b":{},"a":{"type":"integer"}},"required":["a","b"]}""";

        Assert.Empty(Errors(schema, """{"b":1,"a":"s"}"""));
        Assert.Equal(["/a /properties/a/type type: must be a string, not integer"], Errors(schema, """{"b":1,"a":1}"""));
        Assert.Equal(["/a /required required: is required"], Errors(schema, """{"b":1}"""));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(40)]
    public void PropertyLookup_InAndOutOfSchemaOrder_FindsEachSchema(int count)
    {
        string schema = "{\"additionalProperties\":false,\"properties\":{"
            + string.Join(",", Enumerable.Range(0, count).Select(i => $"\"n{i}\":{{\"const\":{i}}}")) + "}}";
        IEnumerable<int> order = Enumerable.Range(0, count);
        foreach (IEnumerable<int> permutation in new[] { order, order.Reverse(), order.Where(i => i % 2 == 0).Concat(order.Where(i => i % 2 == 1)) })
        {
            string valid = "{" + string.Join(",", permutation.Select(i => $"\"n{i}\":{i}")) + "}";
            Assert.Empty(Errors(schema, valid));

            string escaped = "{" + string.Join(",", permutation.Select(i => $"\"\\u006e{i}\":{i}")) + "}";
            Assert.Empty(Errors(schema, escaped));

            string shifted = "{" + string.Join(",", permutation.Select(i => $"\"n{i}\":{(i + 1) % count}")) + "}";
            Assert.Equal(count, Errors(schema, shifted).Length);
        }

        Assert.Equal(["/n1x /additionalProperties additionalProperties: is not an allowed property"], Errors(schema, """{"n0":0,"n1x":1}"""));
    }

    [Theory]
    [InlineData("5", new string[0])]
    [InlineData("1", new string[0])]
    [InlineData("10", new string[0])]
    [InlineData("1.0", new string[0])]
    [InlineData("1e1", new string[0])]
    [InlineData("0", new[] { "/minimum minimum: must be at least 1" })]
    [InlineData("0.99999999999999999999999999999", new[] { "/minimum minimum: must be at least 1" })]
    [InlineData("11", new[] { "/maximum maximum: must be at most 10" })]
    [InlineData("1e400", new[] { "/maximum maximum: must be at most 10" })]
    [InlineData("-1e400", new[] { "/minimum minimum: must be at least 1" })]
    [InlineData("9223372036854775808", new[] { "/maximum maximum: must be at most 10" })]
    public void Bounds_OfOneSchema_ReadOnce_SameVerdictsAndMessages(string instance, string[] expected)
    {
        Assert.Equal(expected.Select(e => " " + e), Errors("""{"minimum":1,"maximum":10}""", instance));
        Assert.Equal(expected.Select(e => " " + e), Errors("""{"maximum":10,"minimum":1}""", instance));
    }

    [Theory]
    [InlineData("2.5", new string[0])]
    [InlineData("2", new[] { " /exclusiveMinimum exclusiveMinimum: must be greater than 2" })]
    [InlineData("1", new[] { " /exclusiveMinimum exclusiveMinimum: must be greater than 2" })]
    [InlineData("2.75", new[] { " /exclusiveMaximum exclusiveMaximum: must be less than 2.75" })]
    [InlineData("3", new[] { " /maximum maximum: must be at most 2.9", " /exclusiveMaximum exclusiveMaximum: must be less than 2.75" })]
    public void Bounds_MixedWholeAndFractionalLimits(string instance, string[] expected) =>
        Assert.Equal(expected, Errors("""{"maximum":2.9,"exclusiveMinimum":2,"exclusiveMaximum":2.75}""", instance));

    [Theory]
    [InlineData("ada@example.com", true)]
    [InlineData("a.b-c+d@example.com", true)]
    [InlineData("!#$%&'*+-/=?^_`{|}~@example.com", true)]
    [InlineData("a b@example.com", false)]
    [InlineData("a(b@example.com", false)]
    [InlineData("a..b@example.com", false)]
    [InlineData(".a@example.com", false)]
    [InlineData("é@example.com", false)]
    [InlineData("a\u0080@example.com", false)]
    public void Email_LocalPart_AtextAndDots(string email, bool valid)
    {
        string instance = JsonSerializer.Serialize(email);
        Assert.Equal(valid, JsonSchema.Parse("""{"format":"email"}""").IsValid(Json(instance)));
        Assert.Equal(valid, Errors("""{"format":"email"}""", instance).Length == 0);
    }

    [Theory]
    [InlineData("é@example.com", true)]
    [InlineData("aé b@example.com", false)]
    [InlineData("日本@example.com", true)]
    [InlineData("a\u007f@example.com", false)]
    public void IdnEmail_LocalPart_AlsoAllowsNonAscii(string email, bool valid) =>
        Assert.Equal(valid, JsonSchema.Parse("""{"format":"idn-email"}""").IsValid(Json(JsonSerializer.Serialize(email))));

    [Fact]
    public void StringFormats_LongAndShortValues_AreDecodedWhole()
    {
        // Values around the validator's stack buffer (256 chars), unescaped and escaped, for the string predicates.
        foreach (int length in new[] { 1, 255, 256, 257, 600 })
        {
            string local = new('a', length);
            Assert.True(JsonSchema.Parse("""{"format":"email"}""").IsValid(Json("\"" + local + "@example.com\"")));
            Assert.False(JsonSchema.Parse("""{"format":"email"}""").IsValid(Json("\"" + local + " @example.com\"")));
            Assert.True(JsonSchema.Parse("""{"pattern":"^a+$"}""").IsValid(Json("\"" + local + "\"")));
            Assert.True(JsonSchema.Parse("""{"pattern":"^a+é$"}""").IsValid(Json("\"" + local + "é\"")));
            Assert.False(JsonSchema.Parse("""{"pattern":"^a+$"}""").IsValid(Json("\"" + local + "b\"")));
            Assert.True(JsonSchema.Parse("""{"pattern":"^a+$"}""").IsValid(Json("\"" + new StringBuilder().Insert(0, "\\u0061", length) + "\"")));
        }
    }
}
