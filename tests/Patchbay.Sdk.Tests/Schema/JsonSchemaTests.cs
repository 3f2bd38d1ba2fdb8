using System.Text;
using System.Text.Json;
using Patchbay.Sdk.Schema;

namespace Patchbay.Sdk.Tests.Schema;

public class JsonSchemaTests
{
    private const string ManifestSchema = """
        {"type":"object","additionalProperties":false,"required":["email","limit","status"],
         "properties":{"email":{"type":"string","format":"email","maxLength":254},
          "name":{"type":"string","minLength":1,"maxLength":100},
          "limit":{"type":"integer","minimum":1,"maximum":100},
          "status":{"type":"string","enum":["active","archived","draft"]},
          "tags":{"type":"array","items":{"type":"string"},"maxItems":10,"uniqueItems":true},
          "score":{"type":"number","exclusiveMinimum":0},
          "owner":{"type":"object","required":["id"],"properties":{"id":{"type":"string"},"team":{"type":"string"}}},
          "archived":{"type":"boolean"}}}
        """;

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    private static SchemaError Single(string schema, string instance)
    {
        SchemaValidationResult result = JsonSchema.Parse(schema).Validate(Json(instance));
        Assert.False(result.IsValid);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void Validate_ValidInstance_NoErrors()
    {
        var schema = JsonSchema.Parse(ManifestSchema);
        SchemaValidationResult result = schema.Validate(Json("""{"email":"a@example.com","limit":10,"status":"draft","tags":["x","y"],"owner":{"id":"7"},"limit2":null}""".Replace(",\"limit2\":null", "", StringComparison.Ordinal)));
        Assert.True(result.IsValid);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Validate_Maximum_MessageAndPaths()
    {
        SchemaError error = Single(ManifestSchema, """{"email":"a@example.com","limit":101,"status":"draft"}""");
        Assert.Equal(new SchemaError("/limit", "/properties/limit/maximum", "maximum", "must be at most 100"), error);
    }

    [Fact]
    public void Validate_Enum_ListsAllowedValues()
    {
        SchemaError error = Single(ManifestSchema, """{"email":"a@example.com","limit":1,"status":"gone"}""");
        Assert.Equal("/status", error.InstancePath);
        Assert.Equal("/properties/status/enum", error.SchemaPath);
        Assert.Equal("is not one of: active, archived, draft", error.Message);
    }

    [Fact]
    public void Validate_MissingNestedRequired_PathIsThePropertyPath()
    {
        SchemaError error = Single(ManifestSchema, """{"email":"a@example.com","limit":1,"status":"draft","owner":{}}""");
        Assert.Equal(new SchemaError("/owner/id", "/properties/owner/required", "required", "is required"), error);
    }

    [Fact]
    public void Validate_WrongType_SaysExpectedAndActual()
    {
        SchemaError error = Single("""{"properties":{"name":{"type":"string"}}}""", """{"name":5}""");
        Assert.Equal(new SchemaError("/name", "/properties/name/type", "type", "must be a string, not integer"), error);
    }

    [Fact]
    public void Validate_PatternAndMaxItems_Messages()
    {
        Assert.Equal("must match the pattern ^a", Single("""{"pattern":"^a"}""", "\"ba\"").Message);
        SchemaError items = Single("""{"maxItems":10}""", "[1,2,3,4,5,6,7,8,9,10,11,12]");
        Assert.Equal("has 12 items; at most 10 allowed", items.Message);
        Assert.Equal("", items.InstancePath);
        Assert.Equal("/maxItems", items.SchemaPath);
    }

    [Fact]
    public void Validate_AdditionalPropertyAndArrayItem_Paths()
    {
        SchemaValidationResult result = JsonSchema.Parse(ManifestSchema).Validate(
            Json("""{"email":"a@example.com","limit":1,"status":"draft","extra":1,"tags":["a",3]}"""));
        Assert.Contains(new SchemaError("/extra", "/additionalProperties", "additionalProperties", "is not an allowed property"), result.Errors);
        Assert.Contains(result.Errors, e => e.InstancePath == "/tags/1" && e.SchemaPath == "/properties/tags/items/type");
        Assert.Equal(2, result.Errors.Count);
    }

    [Fact]
    public void Validate_AllErrorsByDefault_FirstOnlyWhenAsked()
    {
        const string instance = """{"limit":0,"status":"x"}""";
        Assert.Equal(3, JsonSchema.Parse(ManifestSchema).Validate(Json(instance)).Errors.Count);
        Assert.Single(JsonSchema.Parse(ManifestSchema, new JsonSchemaOptions { StopAtFirstError = true }).Validate(Json(instance)).Errors);
    }

    [Fact]
    public void Validate_EscapedPropertyNames_InPointers()
    {
        SchemaError error = Single("""{"properties":{"a/b":{"properties":{"c~d":{"type":"string"}}}}}""", """{"a/b":{"c~d":1}}""");
        Assert.Equal("/a~1b/c~0d", error.InstancePath);
        Assert.Equal("/properties/a~1b/properties/c~0d/type", error.SchemaPath);
    }

    [Fact]
    public void Parse_RequiredBooleanInPropertySchema_WarnsInsteadOfFailing()
    {
        var schema = JsonSchema.Parse("""{"properties":{"name":{"type":"string","required":true}}}""");
        string warning = Assert.Single(schema.Warnings);
        Assert.StartsWith("/properties/name/required:", warning, StringComparison.Ordinal);
        Assert.True(schema.IsValid(Json("{}")));
    }

    [Fact]
    public void Parse_Draft4ExclusiveMinimum_WarnsAndMakesMinimumExclusive()
    {
        var schema = JsonSchema.Parse("""{"minimum":0,"exclusiveMinimum":true}""");
        Assert.Single(schema.Warnings);
        Assert.False(schema.IsValid(Json("0")));
        Assert.True(schema.IsValid(Json("0.5")));
    }

    [Theory]
    [InlineData("""{"type":5}""", "/type")]
    [InlineData("""{"type":"text"}""", "/type")]
    [InlineData("""{"minLength":-1}""", "/minLength")]
    [InlineData("""{"maxItems":1.5}""", "/maxItems")]
    [InlineData("""{"properties":{"a":{"pattern":"("}}}""", "/properties/a/pattern")]
    [InlineData("""{"items":[{"multipleOf":0}]}""", "/items/0/multipleOf")]
    [InlineData("""{"properties":{"a":5}}""", "/properties/a")]
    [InlineData("""{"required":"a"}""", "/required")]
    [InlineData("""{"allOf":[]}""", "/allOf")]
    [InlineData("""{"properties":{"a":{"$ref":"#/definitions/missing"}}}""", "/properties/a/$ref")]
    [InlineData("""{"$ref":"http://example.com/remote.json"}""", "/$ref")]
    [InlineData("""{"type":""", "")]
    public void Parse_MalformedSchema_ThrowsWithPath(string schema, string path)
    {
        JsonSchemaException ex = Assert.Throws<JsonSchemaException>(() => JsonSchema.Parse(schema));
        Assert.Equal(path, ex.SchemaPath);
        Assert.Contains(path.Length == 0 ? "#" : path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnresolvableRef_NamesTheRef()
    {
        JsonSchemaException ex = Assert.Throws<JsonSchemaException>(() => JsonSchema.Parse("""{"$ref":"http://example.com/remote.json"}"""));
        Assert.Contains("http://example.com/remote.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("RemoteDocuments", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RemoteDocument_ResolvesFromRegistryOnly()
    {
        var options = new JsonSchemaOptions();
        options.RemoteDocuments["https://schemas.example.com/id.json"] = """{"type":"string","minLength":3}""";
        var schema = JsonSchema.Parse("""{"properties":{"id":{"$ref":"https://schemas.example.com/id.json"}}}""", options);
        Assert.True(schema.IsValid(Json("""{"id":"abc"}""")));
        SchemaError error = Assert.Single(schema.Validate(Json("""{"id":"ab"}""")).Errors);
        Assert.Equal("/id", error.InstancePath);
        Assert.Equal("https://schemas.example.com/id.json#/minLength", error.SchemaPath);
    }

    [Fact]
    public void Parse_RefOnlyToItself_ThrowsInsteadOfOverflowing()
    {
        JsonSchemaException ex = Assert.Throws<JsonSchemaException>(() => JsonSchema.Parse("""{"$ref":"#"}"""));
        Assert.Equal("/$ref", ex.SchemaPath);
        Assert.Throws<JsonSchemaException>(() => JsonSchema.Parse("""{"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}},"$ref":"#/definitions/a"}"""));
    }

    [Fact]
    public void Validate_SelfReferencingAllOf_EndsWithAnError()
    {
        var schema = JsonSchema.Parse("""{"allOf":[{"$ref":"#"}]}""");
        Assert.False(schema.IsValid(Json("1")));
        SchemaError error = Assert.Single(schema.Validate(Json("1")).Errors);
        Assert.Equal("$ref", error.Keyword);
        Assert.Contains("recursive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeeplyNestedSchema_ThrowsClearly()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < 200; i++)
        {
            sb.Append("{\"items\":");
        }

        sb.Append("true").Append('}', 200);
        JsonSchemaException ex = Assert.Throws<JsonSchemaException>(() => JsonSchema.Parse(sb.ToString()));
        Assert.Contains("MaxSchemaDepth", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TenThousandDeepArray_FailsWithDepthError()
    {
        string deep = new string('[', 10_000) + new string(']', 10_000);
        using JsonDocument document = JsonDocument.Parse(deep, new JsonDocumentOptions { MaxDepth = 20_000 });
        var schema = JsonSchema.Parse("""{"type":"array","items":{"$ref":"#"}}""");
        Assert.False(schema.IsValid(document.RootElement));
        SchemaValidationResult result = schema.Validate(document.RootElement);
        SchemaError error = Assert.Single(result.Errors);
        Assert.Equal("maxDepth", error.Keyword);
        Assert.Equal(JsonSchemaOptions.DefaultMaxInstanceDepth + 2, error.InstancePath.Split('/').Length);

        Assert.True(JsonSchema.Parse("""{"type":"array"}""").IsValid(document.RootElement)); // a schema that does not look inside needs no depth
    }

    [Fact]
    public void Validate_ManyThreads_MatchSequentialResults()
    {
        var schema = JsonSchema.Parse(ManifestSchema);
        string[] instances =
        [
            """{"email":"a@example.com","limit":10,"status":"draft"}""",
            """{"email":"not-an-email","limit":1000,"status":"draft","extra":true}""",
            """{"email":"b@example.com","limit":5,"status":"active","tags":["a","a"],"owner":{"team":"x"}}""",
            """{"email":"c@example.com","limit":5,"status":"archived","name":"Ann","score":1.5,"archived":false}""",
            """[]""",
        ];
        JsonElement[] elements = [.. instances.Select(Json)];
        string[] expected = [.. elements.Select(e => string.Join("|", schema.Validate(e).Errors))];
        bool[] expectedValid = [.. elements.Select(schema.IsValid)];

        Parallel.For(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            int k = i % elements.Length;
            Assert.Equal(expectedValid[k], schema.IsValid(elements[k]));
            Assert.Equal(expected[k], string.Join("|", schema.Validate(elements[k]).Errors));
        });
        Assert.Equal([true, false, false, true, false], expectedValid);
    }

    [Fact]
    public void Validate_ValidInstance_AllocatesNothing()
    {
        var schema = JsonSchema.Parse(ManifestSchema);
        JsonElement instance = Json("""{"email":"a@example.com","name":"Ann","limit":10,"status":"draft","tags":["x","y"],"score":2.5,"owner":{"id":"7","team":"t"},"archived":true}""");
        for (int i = 0; i < 10; i++)
        {
            Assert.True(schema.Validate(instance).IsValid); // warm up
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            schema.Validate(instance);
            schema.IsValid(instance);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Validate_ValidInstanceWithRegexFormatsAndRefs_AllocatesNothing()
    {
        var schema = JsonSchema.Parse("""
            {"definitions":{"id":{"type":"string","pattern":"^[a-z]+-\\d+$"}},
             "type":"object","required":["id"],
             "properties":{"id":{"$ref":"#/definitions/id"},"at":{"format":"date-time"},"ip":{"format":"ipv6"},"site":{"format":"uri"},
               "mixed":{"enum":[1,{"a":[true,null]},"x"]},"n":{"multipleOf":0.25,"maximum":1e3},"list":{"uniqueItems":true,"contains":{"const":2}},
               "choice":{"oneOf":[{"type":"string"},{"type":"number"}]},"when":{"if":{"minimum":10},"then":{"multipleOf":5},"else":{"not":{"const":3}}}},
             "patternProperties":{"^x-":{"type":"string","minLength":2}},
             "dependencies":{"at":["id"],"ip":{"required":["id"]}}}
            """);
        JsonElement instance = Json("""
            {"id":"abc-42","at":"2024-02-29T23:59:60Z","ip":"::ffff:10.0.0.1","site":"https://example.com/a?b#c",
             "mixed":{"a":[true,null]},"n":2.75,"list":[1,2,3,1.5],"choice":"s","when":15,"x-extra":"ok"}
            """);
        for (int i = 0; i < 10; i++)
        {
            Assert.True(schema.Validate(instance).IsValid, string.Join("; ", schema.Validate(instance).Errors));
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            schema.Validate(instance);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Validate_NumbersAndStrings_Draft7Semantics()
    {
        Assert.True(JsonSchema.Parse("""{"type":"integer"}""").IsValid(Json("1.0")));
        Assert.True(JsonSchema.Parse("""{"multipleOf":0.01}""").IsValid(Json("19.99")));
        Assert.True(JsonSchema.Parse("""{"enum":[{"a":1,"b":[1.0]}]}""").IsValid(Json("""{"b":[1],"a":1.0}""")));
        Assert.True(JsonSchema.Parse("""{"maxLength":2}""").IsValid(Json("\"\uD83D\uDE00\uD83D\uDE00\"")));
        Assert.True(JsonSchema.Parse("""{"maxItems":2.0}""").IsValid(Json("[1,2]")));
        Assert.True(JsonSchema.Parse("""{"pattern":"\\d"}""").IsValid(Json("\"x1y\""))); // unanchored
        Assert.False(JsonSchema.Parse("""{"pattern":"^\\d$"}""").IsValid(Json("\"\u0660\""))); // ASCII digits only
        Assert.True(JsonSchema.Parse("""{"format":"password"}""").IsValid(Json("\"x\"")));
        Assert.True(JsonSchema.Parse("""{"format":"email"}""", new JsonSchemaOptions { AssertFormat = false }).IsValid(Json("\"x\"")));
    }

    /// <summary>
    /// Found by the JsonSchema.Net differential test: numbers that System.Decimal rounds (1e-30 became 0, a 31-digit
    /// value became 1) or double cannot hold (1e-400, 1e400) must still compare, equal and divide exactly.
    /// </summary>
    [Theory]
    [InlineData("""{"exclusiveMinimum":0}""", "1e-30", true)]
    [InlineData("""{"maximum":0}""", "1e-30", false)]
    [InlineData("""{"enum":[0]}""", "1e-30", false)]
    [InlineData("""{"type":"integer"}""", "1e-30", false)]
    [InlineData("""{"multipleOf":1e-30}""", "1", true)]
    [InlineData("""{"multipleOf":1e-30}""", "1e-31", false)]
    [InlineData("""{"multipleOf":0.1}""", "1e-30", false)]
    [InlineData("""{"maximum":1}""", "1.0000000000000000000000000000001", false)]
    [InlineData("""{"minimum":1.0000000000000000000000000000001}""", "1", false)]
    [InlineData("""{"const":1}""", "1.0000000000000000000000000000001", false)]
    [InlineData("""{"const":1.0000000000000000000000000000001}""", "1.00000000000000000000000000000010", true)]
    [InlineData("""{"uniqueItems":true}""", "[1,1.0000000000000000000000000000001]", true)]
    [InlineData("""{"uniqueItems":true}""", "[1e-400,1.0e-400]", false)]
    [InlineData("""{"type":"integer"}""", "1.0000000000000000000000000000001", false)]
    [InlineData("""{"type":"integer"}""", "100000000000000000000000000000000.000", true)]
    [InlineData("""{"exclusiveMaximum":1e-400}""", "0", true)]
    [InlineData("""{"minimum":1e400}""", "1e399", false)]
    [InlineData("""{"maximum":-1e400}""", "-1e401", true)]
    [InlineData("""{"multipleOf":1e-400}""", "1", true)]
    [InlineData("""{"multipleOf":3}""", "1e1000000000", false)]
    [InlineData("""{"multipleOf":2}""", "1e1000000000", true)]
    [InlineData("""{"multipleOf":7e-1000000000}""", "7", true)]
    [InlineData("""{"minimum":1e1000000000}""", "9e999999999", false)]
    [InlineData("""{"multipleOf":0.0000000000000000000000000001}""", "79228162514264337593543950335", true)]
    public void Validate_NumbersBeyondDecimalAndDouble_AreExact(string schema, string instance, bool valid)
    {
        JsonSchema compiled = JsonSchema.Parse(schema);
        Assert.Equal(valid, compiled.IsValid(Json(instance)));
        Assert.Equal(valid, compiled.Validate(Json(instance)).IsValid);
    }

    /// <summary>
    /// Found by the JsonSchema.Net differential test: inside a character class \S, \D and \W kept .NET's Unicode
    /// meaning, so [\s\S] missed U+0085 (a .NET space, not an ECMA-262 one) and [\d\D] missed Arabic-Indic digits.
    /// </summary>
    [Theory]
    [InlineData("^[\\s\\S]$", "\u0085", true)]
    [InlineData("^[\\S]$", "\u0085", true)]
    [InlineData("^[^\\S]$", "\u0085", false)]
    [InlineData("^[\\S]$", "\u00a0", false)]
    [InlineData("^[\\d\\D]$", "\u0661", true)]
    [InlineData("^[\\D]$", "\u0661", true)]
    [InlineData("^[\\D]$", "7", false)]
    [InlineData("^[\\w\\W]$", "é", true)]
    [InlineData("^[\\W]$", "é", true)]
    [InlineData("^[\\W]$", "_", false)]
    [InlineData("^[x\\W]$", "é", true)]
    public void Validate_NegatedClassEscapesInsideClass_AreEcmaScript(string pattern, string instance, bool valid)
    {
        JsonSchema schema = JsonSchema.Parse("{\"pattern\":" + JsonSerializer.Serialize(pattern) + "}");
        Assert.Equal(valid, schema.IsValid(Json("\"" + instance + "\"")));
    }

    /// <summary>
    /// Found by the JsonSchema.Net differential test (seed 2 long run): \b and \B are word boundaries by ECMA-262's
    /// ASCII word characters, so \bfoo\b matches inside "éfooé"; .NET's \b counts é as a word character.
    /// </summary>
    [Theory]
    [InlineData("\\bfoo\\b", "éfooé", true)]
    [InlineData("\\bfoo\\b", "foo bar", true)]
    [InlineData("\\bfoo\\b", "foobar", false)]
    [InlineData("\\bfoo\\b", "\u0661foo", true)]
    [InlineData("\\Bfoo", "éfoo", false)]
    [InlineData("\\Bfoo", "afoo", true)]
    [InlineData("^\\B$", "", true)]
    [InlineData("^[\\b]$", "\\b", true)]
    public void Validate_WordBoundaries_AreEcmaScript(string pattern, string instance, bool valid)
    {
        JsonSchema schema = JsonSchema.Parse("{\"pattern\":" + JsonSerializer.Serialize(pattern) + "}");
        Assert.Equal(valid, schema.IsValid(Json("\"" + instance + "\"")));
    }

    /// <summary>
    /// Found by the JsonSchema.Net differential test: IRIs allowed any non-whitespace character above U+009F. RFC 3987
    /// allows exactly ucschar (which includes U+00A0 and U+2028), private use only in the query, no noncharacters.
    /// Its sibling: an IP literal starting with v was accepted whatever followed; RFC 3986 IPvFuture is v HEX "." chars.
    /// </summary>
    [Theory]
    [InlineData("iri-reference", "\u00a0", true)]
    [InlineData("iri-reference", "\u2028", true)]
    [InlineData("iri", "x:\u00a0", true)]
    [InlineData("iri", "http://example.com/\ud83d\ude00", true)]
    [InlineData("iri", "http://example.com/\ue000", false)]
    [InlineData("iri", "http://example.com/?\ue000", true)]
    [InlineData("iri", "http://example.com/\ufdd0", false)]
    [InlineData("iri", "http://example.com/\ufffe", false)]
    [InlineData("iri", "http://example.com/\ud800", false)]
    [InlineData("iri", "http://example.com/\udbff\udfff", false)]
    [InlineData("iri-reference", "#\u0085", false)]
    [InlineData("uri-reference", "\u00a0", false)]
    public void Validate_IriCharactersAndIPvFuture_FollowTheRfcs(string format, string instance, bool valid)
    {
        JsonSchema schema = JsonSchema.Parse("{\"format\":\"" + format + "\"}");
        Assert.Equal(valid, schema.IsValid(Json("\"" + instance + "\"")));
    }

    [Fact]
    public void Parse_InvalidOptions_OneMessageWithEveryProblem()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => JsonSchema.Parse("{}", new JsonSchemaOptions { MaxSchemaDepth = 0, MaxInstanceDepth = -1 }));
        Assert.StartsWith("Invalid JsonSchemaOptions: MaxSchemaDepth must be at least 1, not 0; MaxInstanceDepth must be at least 1, not -1.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Defaults()
    {
        var options = new JsonSchemaOptions();
        Assert.True(options.AssertFormat);
        Assert.False(options.StopAtFirstError);
        Assert.Equal(64, options.MaxSchemaDepth);
        Assert.Equal(128, options.MaxInstanceDepth);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.RegexTimeout);
        Assert.Empty(options.RemoteDocuments);
    }
}
