using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Patchbay.Sdk.Schema;

/// <summary>
/// Compiles a draft-7 schema document into a graph of <see cref="SchemaNode"/>s. Nodes are keyed by canonical
/// location (resource base URI + JSON pointer within the resource), created on first reference and filled from a
/// work queue, so recursive schemas compile without recursion and every <c>$ref</c> is linked at parse time.
/// </summary>
internal sealed class SchemaCompiler
{
    internal const string DefaultBaseUri = "https://patchbay.invalid/schema.json";
    internal const string MetaSchemaUri = "http://json-schema.org/draft-07/schema";

    private static readonly string[] SingleSchemaKeywords = ["additionalItems", "additionalProperties", "contains", "propertyNames", "not", "if", "then", "else"];
    private static readonly string[] SchemaArrayKeywords = ["allOf", "anyOf", "oneOf"];
    private static readonly string[] SchemaMapKeywords = ["properties", "patternProperties", "definitions", "dependencies"];

    private readonly JsonSchemaOptions _options;
    private readonly int _maxRefDepth;
    private readonly List<string> _warnings = [];
    private readonly Dictionary<string, string> _remote = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Location> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Location> _anchors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SchemaNode> _nodes = new(StringComparer.Ordinal);
    private readonly Queue<(SchemaNode Node, Location Location)> _pending = new();
    private readonly SchemaNode _trueNode = new("") { BooleanSchema = true };

    public SchemaCompiler(JsonSchemaOptions options)
    {
        _options = options;
        _maxRefDepth = Math.Max(16, options.MaxSchemaDepth);
        foreach (KeyValuePair<string, string> document in options.RemoteDocuments)
        {
            string uri = SplitFragment(document.Key).Document;
            _remote[HasScheme(uri) ? Normalize(uri) : uri] = document.Value;
        }
    }

    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>A schema position: the element, the base URI in effect, the pointer from that resource's root and the display path.</summary>
    internal readonly record struct Location(JsonElement Element, string BaseUri, string Pointer, string Path, int Depth);

    public SchemaNode Compile(JsonElement root)
    {
        Location rootLocation = RegisterDocument(root, DefaultBaseUri, "");
        SchemaNode node = GetNode(rootLocation);
        Drain();
        CheckRefOnlyCycles();
        return node;
    }

    private Location RegisterDocument(JsonElement root, string documentUri, string pathPrefix)
    {
        var location = new Location(root, documentUri, "", pathPrefix, 0);
        _resources[documentUri] = location;
        location = Enter(location, root, null);
        _resources.TryAdd(location.BaseUri, location);
        Scan(location);
        return location;
    }

    /// <summary>Registers every <c>$id</c> (resources and location-independent anchors) under known schema keywords.</summary>
    private void Scan(Location location)
    {
        JsonElement element = location.Element;
        if (element.ValueKind != JsonValueKind.Object || element.TryGetProperty("$ref", out _))
        {
            return; // draft 7: everything beside $ref, $id included, is ignored
        }

        if (element.TryGetProperty("$id", out JsonElement id) && id.ValueKind == JsonValueKind.String)
        {
            if (location.Pointer.Length == 0)
            {
                _resources.TryAdd(location.BaseUri, location);
            }

            string? fragment = SplitFragment(id.GetString()!).Fragment;
            if (!string.IsNullOrEmpty(fragment))
            {
                _anchors.TryAdd(location.BaseUri + "#" + fragment, location);
            }
        }

        foreach (JsonProperty keyword in element.EnumerateObject())
        {
            JsonElement value = keyword.Value;
            string name = keyword.Name;
            if (Array.IndexOf(SingleSchemaKeywords, name) >= 0 || (name == "items" && value.ValueKind == JsonValueKind.Object))
            {
                Scan(Enter(location, value, name));
            }
            else if ((Array.IndexOf(SchemaArrayKeywords, name) >= 0 || name == "items") && value.ValueKind == JsonValueKind.Array)
            {
                int index = 0;
                foreach (JsonElement item in value.EnumerateArray())
                {
                    Scan(Enter(location, item, name + "/" + index.ToString(CultureInfo.InvariantCulture)));
                    index++;
                }
            }
            else if (Array.IndexOf(SchemaMapKeywords, name) >= 0 && value.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty entry in value.EnumerateObject())
                {
                    Scan(Enter(location, entry.Value, name + "/" + ValidationContext.EscapeToken(entry.Name)));
                }
            }
        }
    }

    /// <summary>Moves to a subschema: extends the paths and applies the subschema's <c>$id</c> to the base URI.</summary>
    private Location Enter(Location parent, JsonElement child, string? escapedTokens)
    {
        string path = escapedTokens is null ? parent.Path : parent.Path + "/" + escapedTokens;
        string pointer = escapedTokens is null ? parent.Pointer : parent.Pointer + "/" + escapedTokens;
        int depth = escapedTokens is null ? parent.Depth : parent.Depth + 1;
        if (depth > _options.MaxSchemaDepth)
        {
            throw new JsonSchemaException(path, "schemas nest more than " + _options.MaxSchemaDepth
                + " levels deep; move parts into definitions and use $ref, or raise JsonSchemaOptions.MaxSchemaDepth");
        }

        string baseUri = parent.BaseUri;
        if (child.ValueKind == JsonValueKind.Object && child.TryGetProperty("$id", out JsonElement id) && !child.TryGetProperty("$ref", out _))
        {
            if (id.ValueKind != JsonValueKind.String)
            {
                throw new JsonSchemaException(path + "/$id", "$id must be a string URI, not " + Kind(id));
            }

            string document = SplitFragment(Resolve(id.GetString()!, baseUri, path + "/$id")).Document;
            if (document != baseUri)
            {
                baseUri = document;
                pointer = "";
            }
        }

        return new Location(child, baseUri, pointer, path, depth);
    }

    private SchemaNode GetNode(Location location)
    {
        string key = location.BaseUri + "#" + location.Pointer;
        if (!_nodes.TryGetValue(key, out SchemaNode? node))
        {
            node = new SchemaNode(location.Path);
            _nodes.Add(key, node);
            _pending.Enqueue((node, location));
        }

        return node;
    }

    private SchemaNode Sub(Location parent, JsonElement child, string escapedTokens) => GetNode(Enter(parent, child, escapedTokens));

    private void Drain()
    {
        while (_pending.TryDequeue(out (SchemaNode Node, Location Location) work))
        {
            Fill(work.Node, work.Location);
        }
    }

    private void CheckRefOnlyCycles()
    {
        var seen = new HashSet<SchemaNode>();
        foreach (SchemaNode start in _nodes.Values)
        {
            seen.Clear();
            for (SchemaNode? node = start; node?.OnlyRef is RefKeyword reference; node = reference.Target)
            {
                if (!seen.Add(node))
                {
                    throw new JsonSchemaException(reference.SchemaPath, "$ref '" + reference.Reference
                        + "' only leads to other $refs and back to itself, never to a keyword; point it at a schema that has keywords");
                }
            }
        }
    }

    private void Fill(SchemaNode node, Location location)
    {
        JsonElement schema = location.Element;
        string path = location.Path;
        if (schema.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            node.BooleanSchema = schema.ValueKind == JsonValueKind.True;
            return;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new JsonSchemaException(path, "a schema must be an object or a boolean, not " + Kind(schema) + "; use {} or true to allow any value");
        }

        if (schema.TryGetProperty("$ref", out JsonElement reference))
        {
            if (reference.ValueKind != JsonValueKind.String)
            {
                throw new JsonSchemaException(path + "/$ref", "$ref must be a string URI reference, not " + Kind(reference));
            }

            Location target = ResolveReference(reference.GetString()!, location);
            var keyword = new RefKeyword(path + "/$ref", reference.GetString()!, _maxRefDepth) { Target = GetNode(target) };
            node.Any = [keyword];
            node.OnlyRef = keyword;
            return;
        }

        var any = new List<Keyword>();
        var strings = new List<Keyword>();
        var numbers = new List<Keyword>();
        var objects = new List<Keyword>();
        var arrays = new List<Keyword>();

        if (schema.TryGetProperty("type", out JsonElement type))
        {
            any.Add(CompileType(type, path + "/type"));
        }

        if (schema.TryGetProperty("enum", out JsonElement enumValues))
        {
            if (enumValues.ValueKind != JsonValueKind.Array)
            {
                throw new JsonSchemaException(path + "/enum", "enum must be an array of allowed values, not " + Kind(enumValues));
            }

            any.Add(new EnumKeyword(path + "/enum", [.. enumValues.EnumerateArray()]));
        }

        if (schema.TryGetProperty("const", out JsonElement constant))
        {
            any.Add(new ConstKeyword(path + "/const", constant));
        }

        CompileNumbers(schema, path, numbers);
        CompileStrings(schema, path, strings);
        CompileContent(schema, path, strings);
        CompileArrays(schema, location, arrays);
        CompileObjects(schema, location, objects);

        foreach (string name in SchemaArrayKeywords)
        {
            if (schema.TryGetProperty(name, out JsonElement list))
            {
                SchemaNode[] nodes = SchemaArray(location, list, name);
                any.Add(name switch
                {
                    "allOf" => new AllOfKeyword(path + "/allOf", nodes),
                    "anyOf" => new AnyOfKeyword(path + "/anyOf", nodes),
                    _ => new OneOfKeyword(path + "/oneOf", nodes),
                });
            }
        }

        if (schema.TryGetProperty("not", out JsonElement not))
        {
            any.Add(new NotKeyword(path + "/not", Sub(location, not, "not")));
        }

        if (schema.TryGetProperty("if", out JsonElement condition))
        {
            SchemaNode? then = schema.TryGetProperty("then", out JsonElement thenSchema) ? Sub(location, thenSchema, "then") : null;
            SchemaNode? otherwise = schema.TryGetProperty("else", out JsonElement elseSchema) ? Sub(location, elseSchema, "else") : null;
            SchemaNode ifNode = Sub(location, condition, "if");
            if (then is not null || otherwise is not null)
            {
                any.Add(new IfKeyword(path + "/if", ifNode, then, otherwise));
            }
        }

        if (schema.TryGetProperty("definitions", out JsonElement definitions))
        {
            if (definitions.ValueKind != JsonValueKind.Object)
            {
                throw new JsonSchemaException(path + "/definitions", "definitions must be an object of named schemas, not " + Kind(definitions));
            }

            foreach (JsonProperty definition in definitions.EnumerateObject())
            {
                Sub(location, definition.Value, "definitions/" + ValidationContext.EscapeToken(definition.Name)); // compiled so mistakes surface at parse time
            }
        }

        node.Any = [.. any];
        node.Strings = [.. strings];
        node.Numbers = [.. numbers];
        node.Objects = [.. objects];
        node.Arrays = [.. arrays];
    }

    private static TypeKeyword CompileType(JsonElement type, string path)
    {
        if (type.ValueKind == JsonValueKind.String)
        {
            SchemaTypes single = ParseType(type, path);
            return new TypeKeyword(path, single, Article(type.GetString()!));
        }

        if (type.ValueKind != JsonValueKind.Array || type.GetArrayLength() == 0)
        {
            throw new JsonSchemaException(path, "type must be a type name or a non-empty array of type names (array, boolean, integer, null, number, object, string), not " + Kind(type));
        }

        SchemaTypes types = SchemaTypes.None;
        var names = new List<string>();
        int index = 0;
        foreach (JsonElement item in type.EnumerateArray())
        {
            types |= ParseType(item, path + "/" + index.ToString(CultureInfo.InvariantCulture));
            names.Add(item.GetString()!);
            index++;
        }

        return new TypeKeyword(path, types, names.Count == 1 ? Article(names[0]) : "one of " + string.Join(", ", names));
    }

    private static SchemaTypes ParseType(JsonElement name, string path) => name.ValueKind != JsonValueKind.String
        ? throw new JsonSchemaException(path, "type names must be strings, not " + Kind(name))
        : name.GetString() switch
        {
            "null" => SchemaTypes.Null,
            "boolean" => SchemaTypes.Boolean,
            "object" => SchemaTypes.Object,
            "array" => SchemaTypes.Array,
            "number" => SchemaTypes.Number,
            "string" => SchemaTypes.String,
            "integer" => SchemaTypes.Integer,
            var other => throw new JsonSchemaException(path, "'" + other + "' is not a type; use one of array, boolean, integer, null, number, object, string"),
        };

    private static string Article(string type) => type switch
    {
        "null" => "null",
        "integer" or "object" or "array" => "an " + type,
        _ => "a " + type,
    };

    private void CompileNumbers(JsonElement schema, string path, List<Keyword> numbers)
    {
        bool exclusiveMinimumFlag = LegacyExclusive(schema, path, "exclusiveMinimum", "minimum");
        bool exclusiveMaximumFlag = LegacyExclusive(schema, path, "exclusiveMaximum", "maximum");
        AddBound(schema, path, "minimum", exclusiveMinimumFlag ? BoundKind.ExclusiveMinimum : BoundKind.Minimum, numbers);
        AddBound(schema, path, "maximum", exclusiveMaximumFlag ? BoundKind.ExclusiveMaximum : BoundKind.Maximum, numbers);
        AddBound(schema, path, "exclusiveMinimum", BoundKind.ExclusiveMinimum, numbers);
        AddBound(schema, path, "exclusiveMaximum", BoundKind.ExclusiveMaximum, numbers);
        if (numbers.Count > 1)
        {
            // numbers holds only this schema's bounds so far: read the instance once for all of them.
            BoundKeyword[] bounds = [.. numbers.Cast<BoundKeyword>()];
            numbers.Clear();
            numbers.Add(new BoundsKeyword(bounds));
        }
        if (schema.TryGetProperty("multipleOf", out JsonElement divisor))
        {
            if (divisor.ValueKind != JsonValueKind.Number || JsonNumber.Read(divisor).Sign <= 0)
            {
                throw new JsonSchemaException(path + "/multipleOf", "multipleOf must be a number greater than 0, not " + divisor.GetRawText());
            }

            numbers.Add(new MultipleOfKeyword(path + "/multipleOf", JsonNumber.Read(divisor), divisor.GetRawText()));
        }
    }

    /// <summary>Draft-4 boolean <c>exclusiveMinimum</c>/<c>exclusiveMaximum</c>: honoured on the sibling bound, with a warning.</summary>
    private bool LegacyExclusive(JsonElement schema, string path, string name, string bound)
    {
        if (!schema.TryGetProperty(name, out JsonElement flag) || flag.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return false;
        }

        bool exclusive = flag.ValueKind == JsonValueKind.True;
        _warnings.Add(path + "/" + name + ": the boolean form is draft-4 syntax; draft 7 expects a number. "
            + (exclusive ? "Treated as making " + bound + " exclusive" : "Ignored") + "; write \"" + name + "\": <limit> instead.");
        return exclusive && schema.TryGetProperty(bound, out _);
    }

    private static void AddBound(JsonElement schema, string path, string name, BoundKind kind, List<Keyword> numbers)
    {
        if (!schema.TryGetProperty(name, out JsonElement limit) || limit.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return;
        }

        if (limit.ValueKind != JsonValueKind.Number)
        {
            throw new JsonSchemaException(path + "/" + name, name + " must be a number, not " + Kind(limit));
        }

        numbers.Add(new BoundKeyword(path + "/" + name, name, kind, JsonNumber.Read(limit), limit.GetRawText()));
    }

    private void CompileStrings(JsonElement schema, string path, List<Keyword> strings)
    {
        foreach (string name in (ReadOnlySpan<string>)["minLength", "maxLength"])
        {
            if (schema.TryGetProperty(name, out JsonElement limit))
            {
                strings.Add(new LengthKeyword(path + "/" + name, name, NonNegativeInteger(limit, path + "/" + name)));
            }
        }

        if (schema.TryGetProperty("pattern", out JsonElement pattern))
        {
            if (pattern.ValueKind != JsonValueKind.String)
            {
                throw new JsonSchemaException(path + "/pattern", "pattern must be a regular expression string, not " + Kind(pattern));
            }

            strings.Add(new PatternKeyword(path + "/pattern", pattern.GetString()!, CompileRegex(pattern.GetString()!, path + "/pattern")));
        }

        if (schema.TryGetProperty("format", out JsonElement format))
        {
            if (format.ValueKind != JsonValueKind.String)
            {
                throw new JsonSchemaException(path + "/format", "format must be a string, not " + Kind(format));
            }

            if (_options.AssertFormat && FormatChecks.TryGet(format.GetString()!, out StringPredicate? check))
            {
                strings.Add(new FormatKeyword(path + "/format", format.GetString()!, check));
            }
        }
    }

    private void CompileContent(JsonElement schema, string path, List<Keyword> strings)
    {
        bool base64 = schema.TryGetProperty("contentEncoding", out JsonElement encoding) && encoding.ValueKind == JsonValueKind.String
            && string.Equals(encoding.GetString(), "base64", StringComparison.OrdinalIgnoreCase);
        bool json = schema.TryGetProperty("contentMediaType", out JsonElement mediaType) && mediaType.ValueKind == JsonValueKind.String
            && string.Equals(mediaType.GetString(), "application/json", StringComparison.OrdinalIgnoreCase);
        if (_options.AssertFormat && (base64 || json))
        {
            strings.Add(new ContentKeyword(path + (base64 ? "/contentEncoding" : "/contentMediaType"), base64, json));
        }
    }

    private RegexPredicate CompileRegex(string pattern, string path)
    {
        try
        {
            return new RegexPredicate(EcmaRegex.Create(pattern, _options.RegexTimeout));
        }
        catch (ArgumentException ex)
        {
            throw new JsonSchemaException(path, "'" + pattern + "' is not a valid regular expression (" + ex.Message + "); fix or escape it", ex);
        }
    }

    private void CompileArrays(JsonElement schema, Location location, List<Keyword> arrays)
    {
        string path = location.Path;
        if (schema.TryGetProperty("items", out JsonElement items))
        {
            if (items.ValueKind == JsonValueKind.Array)
            {
                SchemaNode[] tuple = SchemaArray(location, items, "items", allowEmpty: true);
                SchemaNode? additional = schema.TryGetProperty("additionalItems", out JsonElement extra) ? Sub(location, extra, "additionalItems") : null;
                arrays.Add(new ItemsKeyword(path + "/items", null, tuple, additional, path + "/additionalItems", _options.MaxInstanceDepth));
            }
            else
            {
                arrays.Add(new ItemsKeyword(path + "/items", Sub(location, items, "items"), null, null, path + "/additionalItems", _options.MaxInstanceDepth));
                if (schema.TryGetProperty("additionalItems", out JsonElement extra))
                {
                    Sub(location, extra, "additionalItems");
                }
            }
        }
        else if (schema.TryGetProperty("additionalItems", out JsonElement extra))
        {
            Sub(location, extra, "additionalItems"); // no effect without an items array; still checked
        }

        if (schema.TryGetProperty("contains", out JsonElement contains))
        {
            arrays.Add(new ContainsKeyword(path + "/contains", Sub(location, contains, "contains"), _options.MaxInstanceDepth));
        }

        foreach (string name in (ReadOnlySpan<string>)["minItems", "maxItems"])
        {
            if (schema.TryGetProperty(name, out JsonElement limit))
            {
                arrays.Add(new ItemCountKeyword(path + "/" + name, name, NonNegativeInteger(limit, path + "/" + name)));
            }
        }

        if (schema.TryGetProperty("uniqueItems", out JsonElement unique))
        {
            if (unique.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw new JsonSchemaException(path + "/uniqueItems", "uniqueItems must be true or false, not " + Kind(unique));
            }

            if (unique.ValueKind == JsonValueKind.True)
            {
                arrays.Add(new UniqueItemsKeyword(path + "/uniqueItems"));
            }
        }
    }

    private void CompileObjects(JsonElement schema, Location location, List<Keyword> objects)
    {
        string path = location.Path;
        var properties = new List<NamedSchema>();
        if (schema.TryGetProperty("properties", out JsonElement propertyMap))
        {
            RequireObject(propertyMap, path + "/properties", "properties must be an object mapping property names to schemas");
            foreach (JsonProperty property in propertyMap.EnumerateObject())
            {
                properties.Add(new NamedSchema(property.Name, Sub(location, property.Value, "properties/" + ValidationContext.EscapeToken(property.Name))));
            }
        }

        var patterns = new List<(RegexPredicate, SchemaNode)>();
        if (schema.TryGetProperty("patternProperties", out JsonElement patternMap))
        {
            RequireObject(patternMap, path + "/patternProperties", "patternProperties must be an object mapping regular expressions to schemas");
            foreach (JsonProperty property in patternMap.EnumerateObject())
            {
                string token = "patternProperties/" + ValidationContext.EscapeToken(property.Name);
                patterns.Add((CompileRegex(property.Name, path + "/" + token), Sub(location, property.Value, token)));
            }
        }

        SchemaNode? additional = schema.TryGetProperty("additionalProperties", out JsonElement extra) ? Sub(location, extra, "additionalProperties") : null;
        NamedSchema[]? requiredList = null;
        if (schema.TryGetProperty("required", out JsonElement required))
        {
            if (required.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                _warnings.Add(path + "/required: \"required\": " + (required.ValueKind == JsonValueKind.True ? "true" : "false")
                    + " is draft-3 syntax and is ignored; list the property name in the parent object's \"required\" array instead.");
            }
            else
            {
                NamedSchema[] names = StringArray(required, path + "/required", "required");
                requiredList = names.Length > 0 ? names : null;
            }
        }

        // required is checked in the properties pass when there is one (or when it names two or more properties, which
        // one pass finds faster than a scan per name); else, or when the names do not fit its bits, on its own.
        bool propertiesPass = properties.Count > 0 || patterns.Count > 0 || (additional is not null && additional.BooleanSchema != true);
        RequiredNames? folded = requiredList is not null && (propertiesPass || requiredList.Length > 1)
            ? RequiredNames.TryCreate(path + "/required", requiredList, [.. properties])
            : null;
        if (propertiesPass || folded is not null)
        {
            objects.Add(new PropertiesKeyword(path + "/properties", [.. properties], [.. patterns], propertiesPass ? additional : null, _options.MaxInstanceDepth, folded));
        }

        if (requiredList is not null && folded is null)
        {
            objects.Add(new RequiredKeyword(path + "/required", requiredList));
        }

        foreach (string name in (ReadOnlySpan<string>)["minProperties", "maxProperties"])
        {
            if (schema.TryGetProperty(name, out JsonElement limit))
            {
                objects.Add(new PropertyCountKeyword(path + "/" + name, name, NonNegativeInteger(limit, path + "/" + name)));
            }
        }

        if (schema.TryGetProperty("propertyNames", out JsonElement names2))
        {
            objects.Add(new PropertyNamesKeyword(path + "/propertyNames", Sub(location, names2, "propertyNames")));
        }

        if (schema.TryGetProperty("dependencies", out JsonElement dependencies))
        {
            RequireObject(dependencies, path + "/dependencies", "dependencies must be an object mapping property names to a schema or an array of property names");
            var list = new List<(NamedSchema, NamedSchema[]?)>();
            foreach (JsonProperty dependency in dependencies.EnumerateObject())
            {
                string token = "dependencies/" + ValidationContext.EscapeToken(dependency.Name);
                if (dependency.Value.ValueKind == JsonValueKind.Array)
                {
                    NamedSchema[] requiredNames = StringArray(dependency.Value, path + "/" + token, "a property dependency");
                    list.Add((new NamedSchema(dependency.Name, _trueNode), requiredNames));
                }
                else
                {
                    list.Add((new NamedSchema(dependency.Name, Sub(location, dependency.Value, token)), null));
                }
            }

            if (list.Count > 0)
            {
                objects.Add(new DependenciesKeyword(path + "/dependencies", [.. list]));
            }
        }
    }

    private NamedSchema[] StringArray(JsonElement array, string path, string what)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new JsonSchemaException(path, what + " must be an array of property names, not " + Kind(array));
        }

        var names = new List<NamedSchema>();
        int index = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw new JsonSchemaException(path + "/" + index.ToString(CultureInfo.InvariantCulture), what + " must list property names as strings, not " + Kind(item));
            }

            names.Add(new NamedSchema(item.GetString()!, _trueNode));
            index++;
        }

        return [.. names];
    }

    private SchemaNode[] SchemaArray(Location location, JsonElement list, string name, bool allowEmpty = false)
    {
        if (list.ValueKind != JsonValueKind.Array || (!allowEmpty && list.GetArrayLength() == 0))
        {
            throw new JsonSchemaException(location.Path + "/" + name, name + " must be a non-empty array of schemas, not " + (list.ValueKind == JsonValueKind.Array ? "an empty array" : Kind(list)));
        }

        var nodes = new SchemaNode[list.GetArrayLength()];
        int index = 0;
        foreach (JsonElement item in list.EnumerateArray())
        {
            nodes[index] = Sub(location, item, name + "/" + index.ToString(CultureInfo.InvariantCulture));
            index++;
        }

        return nodes;
    }

    private static void RequireObject(JsonElement value, string path, string message)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new JsonSchemaException(path, message + ", not " + Kind(value));
        }
    }

    private static long NonNegativeInteger(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            JsonNumber number = JsonNumber.Read(value);
            if (number.IsInteger && number.Sign >= 0)
            {
                return number.TryGetInt64(out long count) ? count : long.MaxValue;
            }
        }

        string name = path[(path.LastIndexOf('/') + 1)..];
        throw new JsonSchemaException(path, name + " must be a non-negative integer, not " + (value.ValueKind == JsonValueKind.Number ? value.GetRawText() : Kind(value)));
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "the string \"" + value.GetString() + "\"",
        JsonValueKind.Number => "the number " + value.GetRawText(),
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };

    private Location ResolveReference(string reference, Location at)
    {
        string refPath = at.Path + "/$ref";
        (string document, string? fragment) = SplitFragment(Resolve(reference, at.BaseUri, refPath));
        if (!_resources.TryGetValue(document, out Location resource))
        {
            if (!TryLoadDocument(document, refPath) || !_resources.TryGetValue(document, out resource))
            {
                throw new JsonSchemaException(refPath, "$ref '" + reference + "' cannot be resolved: no schema has the URI '" + document
                    + "'. Remote schemas are never downloaded; add the document to JsonSchemaOptions.RemoteDocuments or fix the reference");
            }
        }

        if (string.IsNullOrEmpty(fragment))
        {
            return resource;
        }

        if (fragment[0] == '/')
        {
            Location current = resource;
            foreach (string rawToken in Uri.UnescapeDataString(fragment)[1..].Split('/'))
            {
                string token = rawToken.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                JsonElement element = current.Element;
                JsonElement child;
                if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(token, out child))
                {
                    // found
                }
                else if (element.ValueKind == JsonValueKind.Array && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out int index) && index < element.GetArrayLength())
                {
                    child = element[index];
                }
                else
                {
                    throw new JsonSchemaException(refPath, "$ref '" + reference + "' cannot be resolved: the JSON pointer '" + Uri.UnescapeDataString(fragment)
                        + "' has no '" + token + "' in '" + document + "'; fix the pointer");
                }

                current = Enter(current, child, ValidationContext.EscapeToken(token));
            }

            return current;
        }

        return _anchors.TryGetValue(document + "#" + fragment, out Location anchor)
            ? anchor
            : throw new JsonSchemaException(refPath, "$ref '" + reference + "' cannot be resolved: no subschema has \"$id\": \"#" + fragment + "\" in '" + document + "'");
    }

    private bool TryLoadDocument(string document, string refPath)
    {
        string? text = _remote.TryGetValue(document, out string? registered) ? registered
            : document == MetaSchemaUri ? DraftSevenMetaSchema.Text
            : null;
        if (text is null)
        {
            return false;
        }

        JsonElement root;
        try
        {
            using JsonDocument parsed = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = Math.Max(64, _options.MaxSchemaDepth * 4) });
            root = parsed.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new JsonSchemaException(refPath, "the remote document '" + document + "' is not valid JSON: " + ex.Message, ex);
        }

        RegisterDocument(root, document, document + "#");
        return true;
    }

    internal static (string Document, string? Fragment) SplitFragment(string uri)
    {
        int hash = uri.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? (uri, null) : (uri[..hash], uri[(hash + 1)..]);
    }

    /// <summary>Resolves a URI reference against a base. Returns an absolute URI, with the reference's fragment if any.</summary>
    private static string Resolve(string reference, string baseUri, string path)
    {
        (string document, string? fragment) = SplitFragment(reference);
        string resolved;
        if (document.Length == 0)
        {
            resolved = baseUri;
        }
        else if (HasScheme(document))
        {
            resolved = Normalize(document);
        }
        else if (Uri.TryCreate(baseUri, UriKind.Absolute, out Uri? baseParsed) && Uri.TryCreate(baseParsed, document, out Uri? combined))
        {
            resolved = combined.AbsoluteUri;
        }
        else
        {
            throw new JsonSchemaException(path, "'" + reference + "' cannot be resolved against the base URI '" + baseUri + "'; use an absolute URI");
        }

        return fragment is null ? resolved : resolved + "#" + fragment;
    }

    private static bool HasScheme(string uri)
    {
        if (uri.Length == 0 || !char.IsAsciiLetter(uri[0]))
        {
            return false;
        }

        foreach (char c in uri)
        {
            if (c == ':')
            {
                return true;
            }

            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        return false;
    }

    private static string Normalize(string absolute) =>
        Uri.TryCreate(absolute, UriKind.Absolute, out Uri? uri) ? uri.AbsoluteUri : absolute;
}
