using System.Globalization;
using System.Text.RegularExpressions;
using CsCheck;
using Patchbay.Sdk.Schema;

namespace Patchbay.Sdk.Tests.Schema;

/// <summary>One generated case: a draft-7 schema and the instances to validate against it.</summary>
internal sealed record DiffCase(DiffJson Schema, DiffJson[] Instances);

/// <summary>
/// CsCheck generators for the differential test: draft-7 schemas over every keyword, nested, with <c>definitions</c>
/// and <c>$ref</c> (recursive ones too), and instances generated from each schema near its boundaries.
/// </summary>
internal static class DraftSevenGen
{
    /// <summary>How deeply schemas nest below the root.</summary>
    public const int Depth = 3;

    public static Gen<DiffCase> Cases(int instancesPerSchema) =>
        from count in Gen.Frequency((3, 0), (2, 1), (2, 2), (1, 3))
        from names in Gen.Shuffle(DiffPools.DefinitionNames, count)
        from schema in new SchemaGen(names).Root
        from instances in new InstanceGen(schema).For(schema, Depth + 1).Array[instancesPerSchema]
        select new DiffCase(schema, instances);

    internal static readonly Gen<StringEscape> Escape = Gen.Frequency((6, StringEscape.Plain), (1, StringEscape.NonAscii), (1, StringEscape.All));

    /// <summary>One of the generators, by weight. (Gen.Frequency with a Gen&lt;T&gt; would pick the generator itself as a constant.)</summary>
    internal static Gen<T> Pick<T>(params (int Weight, IGen<T> Gen)[] gens) => Gen.Frequency(gens);

    /// <summary>One of the generators, evenly.</summary>
    internal static Gen<T> Either<T>(params IGen<T>[] gens) => Gen.OneOf(gens);

    internal static Gen<T[]> Sequence<T>(IEnumerable<Gen<T>> gens)
    {
        Gen<T[]> sequence = Gen.Const(Array.Empty<T>());
        foreach (Gen<T> gen in gens)
        {
            Gen<T[]> previous = sequence;
            sequence = Gen.Select(previous, gen, (items, item) => (T[])[.. items, item]);
        }

        return sequence;
    }
}

/// <summary>
/// Schemas for one set of definition names. A <c>$ref</c> that stays on the same instance (under allOf, not, if, ...)
/// only points at a later definition, so a chain of them ends; below a keyword that descends into the instance
/// (properties, items, ...) it may point anywhere, the root included, so recursion always consumes the instance.
/// </summary>
internal sealed class SchemaGen
{
    private static readonly Gen<DiffJson> BooleanSchema = Gen.OneOf(DiffJson.True, DiffJson.False);
    private static readonly Gen<DiffJson> Literal = Gen.OneOf(DiffPools.Literals);

    private readonly string[] _definitions;
    private readonly Dictionary<Context, Gen<DiffJson>> _schemas = [];
    private readonly Dictionary<(Context, Theme), Gen<DiffObject>> _objects = [];

    public SchemaGen(string[] definitions)
    {
        _definitions = definitions;
        Root = BuildRoot();
    }

    private enum Theme
    {
        Any,
        Number,
        String,
        Array,
        Object,
    }

    public Gen<DiffJson> Root { get; }

    private readonly record struct Context(int Depth, int From, bool Descending);

    private Gen<DiffJson> BuildRoot()
    {
        var top = new Context(DraftSevenGen.Depth, -1, false);
        if (_definitions.Length == 0)
        {
            return Schema(top);
        }

        Gen<DiffMember[]> definitions = DraftSevenGen.Sequence(_definitions.Select((name, index) =>
            Schema(new Context(DraftSevenGen.Depth - 1, index, false)).Select(schema => new DiffMember(name, StringEscape.Plain, schema))));
        return Gen.Select(ObjectSchema(top), definitions, (body, members) =>
            (DiffJson)new DiffObject([.. body.Members, new DiffMember("definitions", StringEscape.Plain, new DiffObject(members))]));
    }

    private Gen<DiffJson> Schema(Context context)
    {
        if (!_schemas.TryGetValue(context, out Gen<DiffJson>? gen))
        {
            gen = DraftSevenGen.Pick<DiffJson>((1, BooleanSchema), (context.Depth == 0 ? 4 : 7, ObjectSchema(context).Select(o => (DiffJson)o)));
            _schemas[context] = gen;
        }

        return gen;
    }

    /// <summary>A subschema applied to the same instance.</summary>
    private Gen<DiffJson> Sub(Context context) =>
        context.Depth == 0 ? BooleanSchema : Schema(context with { Depth = context.Depth - 1 });

    /// <summary>A subschema applied to a part of the instance (an item, a property value, a property name).</summary>
    private Gen<DiffJson> Down(Context context) =>
        context.Depth == 0 ? BooleanSchema : Schema(context with { Depth = context.Depth - 1, Descending = true });

    /// <summary>A schema object: up to four keywords, most of them about one type so that they meet on the same instances.</summary>
    private Gen<DiffObject> ObjectSchema(Context context) =>
        Gen.OneOf(Enum.GetValues<Theme>()).SelectMany(theme => Themed(context, theme));

    private static DiffObject Merge(DiffMember[][] parts)
    {
        var members = new List<DiffMember>();
        foreach (DiffMember member in parts.SelectMany(p => p))
        {
            if (!members.Exists(m => m.Name == member.Name))
            {
                members.Add(member);
            }
        }

        return new DiffObject(members);
    }

    private Gen<DiffObject> Themed(Context context, Theme theme)
    {
        if (_objects.TryGetValue((context, theme), out Gen<DiffObject>? cached))
        {
            return cached;
        }

        var keywords = new List<(int, IGen<DiffMember[]>)>
        {
            (theme == Theme.Any ? 3 : 2, Keyword("type", Types(theme))),
            (1, Keyword("enum", Literal.Array[1, 4].Select(values => (DiffJson)new DiffArray(values)))),
            (1, Keyword("const", Literal)),
            (theme == Theme.Any ? 3 : 1, Keyword("allOf", Sub(context).Array[1, 3].Select(s => (DiffJson)new DiffArray(s)))),
            (theme == Theme.Any ? 3 : 1, Keyword("anyOf", Sub(context).Array[1, 3].Select(s => (DiffJson)new DiffArray(s)))),
            (theme == Theme.Any ? 3 : 1, Keyword("oneOf", Sub(context).Array[1, 3].Select(s => (DiffJson)new DiffArray(s)))),
            (theme == Theme.Any ? 2 : 1, Keyword("not", Sub(context))),
            (theme == Theme.Any ? 3 : 1, IfThenElse(context)),
            (theme == Theme.String ? 4 : 1, Keyword("format", Gen.OneOf(DiffPools.Formats).Select(f => DiffJson.Text(f)))),
        };

        string[] targets = RefTargets(context);
        if (targets.Length > 0)
        {
            keywords.Add((theme == Theme.Any ? 4 : 2, Keyword("$ref", Gen.OneOf(targets).Select(t => DiffJson.Text(t)))));
        }

        Gen<DiffJson> limit = Gen.OneOf(DiffPools.Limits).Select(DiffJson.Number);
        Gen<DiffJson> count = Gen.OneOf(DiffPools.Counts).Select(DiffJson.Number);
        int weight(Theme t) => theme == t ? 4 : theme == Theme.Any ? 1 : 0;
        keywords.AddRange(
        [
            (weight(Theme.Number), Keyword("minimum", limit)),
            (weight(Theme.Number), Keyword("maximum", limit)),
            (weight(Theme.Number), Keyword("exclusiveMinimum", limit)),
            (weight(Theme.Number), Keyword("exclusiveMaximum", limit)),
            (weight(Theme.Number), Keyword("multipleOf", Gen.OneOf(DiffPools.Divisors).Select(DiffJson.Number))),
            (weight(Theme.String), Keyword("minLength", count)),
            (weight(Theme.String), Keyword("maxLength", count)),
            (weight(Theme.String), Keyword("pattern", Gen.OneOf(DiffPools.Patterns.Select(p => p.Pattern).ToArray()).Select(p => DiffJson.Text(p)))),
            (weight(Theme.Array), Keyword("items", Down(context))),
            (weight(Theme.Array), Keyword("items", Down(context).Array[0, 3].Select(s => (DiffJson)new DiffArray(s)))),
            (weight(Theme.Array), Keyword("additionalItems", Down(context))),
            (weight(Theme.Array), Keyword("contains", Down(context))),
            (weight(Theme.Array), Keyword("minItems", count)),
            (weight(Theme.Array), Keyword("maxItems", count)),
            (weight(Theme.Array), Keyword("uniqueItems", Gen.OneOf(DiffJson.True, DiffJson.True, DiffJson.False))),
            (weight(Theme.Object), Keyword("properties", Map(DiffPools.PropertyNames, 1, 3, Down(context)))),
            (weight(Theme.Object), Keyword("patternProperties", Map(DiffPools.NamePatterns, 1, 2, Down(context)))),
            (weight(Theme.Object), Keyword("additionalProperties", Down(context))),
            (weight(Theme.Object), Keyword("required", Names(0, 3))),
            (weight(Theme.Object), Keyword("minProperties", count)),
            (weight(Theme.Object), Keyword("maxProperties", count)),
            (weight(Theme.Object), Keyword("propertyNames", Down(context))),
            (weight(Theme.Object), Keyword("dependencies", Map(DiffPools.PropertyNames, 1, 2, DraftSevenGen.Pick<DiffJson>((1, Names(0, 2)), (1, Sub(context)))))),
        ]);

        Gen<DiffObject> gen = DraftSevenGen.Pick<DiffMember[]>([.. keywords.Where(k => k.Item1 > 0)]).Array[0, 4].Select(Merge);
        _objects[(context, theme)] = gen;
        return gen;
    }

    private string[] RefTargets(Context context)
    {
        IEnumerable<int> reachable = context.Descending || context.From < 0
            ? Enumerable.Range(0, _definitions.Length)
            : Enumerable.Range(context.From + 1, _definitions.Length - context.From - 1);
        IEnumerable<string> targets = reachable.Select(i => DiffPools.DefinitionRef(_definitions[i]));
        return [.. context.Descending ? targets.Append("#") : targets];
    }

    private static Gen<DiffJson> Types(Theme theme)
    {
        Gen<DiffJson> single = theme switch
        {
            Theme.Number => Gen.OneOf("number", "integer").Select(t => DiffJson.Text(t)),
            Theme.String => Gen.Const(DiffJson.Text("string")),
            Theme.Array => Gen.Const(DiffJson.Text("array")),
            Theme.Object => Gen.Const(DiffJson.Text("object")),
            _ => Gen.OneOf(DiffPools.TypeNames).Select(t => DiffJson.Text(t)),
        };
        Gen<DiffJson> several = Gen.Shuffle(DiffPools.TypeNames, 1, 3).Select(names => (DiffJson)new DiffArray([.. names.Select(n => DiffJson.Text(n))]));
        return DraftSevenGen.Pick<DiffJson>((3, single), (1, several));
    }

    private static Gen<DiffJson> Names(int min, int max) =>
        Gen.Shuffle(DiffPools.PropertyNames, min, max).Select(names => (DiffJson)new DiffArray([.. names.Select(n => DiffJson.Text(n))]));

    private static Gen<DiffJson> Map(string[] keys, int min, int max, Gen<DiffJson> value) =>
        Gen.Shuffle(keys, min, max)
            .SelectMany(names => DraftSevenGen.Sequence(names.Select(name => value.Select(v => new DiffMember(name, StringEscape.Plain, v)))))
            .Select(members => (DiffJson)new DiffObject(members));

    private Gen<DiffMember[]> IfThenElse(Context context) =>
        Gen.Select(Gen.Int[1, 7], Sub(context), Sub(context), Sub(context), (mask, condition, then, otherwise) =>
        {
            var members = new List<DiffMember>();
            if ((mask & 1) != 0)
            {
                members.Add(new DiffMember("if", StringEscape.Plain, condition));
            }

            if ((mask & 2) != 0)
            {
                members.Add(new DiffMember("then", StringEscape.Plain, then));
            }

            if ((mask & 4) != 0)
            {
                members.Add(new DiffMember("else", StringEscape.Plain, otherwise));
            }

            return members.ToArray();
        });

    private static Gen<DiffMember[]> Keyword(string name, Gen<DiffJson> value) =>
        value.Select(v => new[] { new DiffMember(name, StringEscape.Plain, v) });
}

/// <summary>
/// Instances for one schema document, built from what each (sub)schema says: values at and next to its limits,
/// strings at lengths around minLength/maxLength, format and pattern corner cases, arrays around their item counts
/// with duplicates (spelled differently: <c>1</c> and <c>1.0</c>) for uniqueItems, objects with the properties the
/// schema names, and values for every branch of allOf/anyOf/oneOf/not/if and every <c>$ref</c> target.
/// </summary>
internal sealed class InstanceGen(DiffJson root)
{
    private static readonly Gen<DiffJson> Literal = Gen.OneOf(DiffPools.Literals);
    private static readonly Dictionary<int, Gen<DiffJson>> AnyByBudget = [];
    private static readonly Lock AnyLock = new();

    private readonly Dictionary<(DiffJson, int), Gen<DiffJson>> _memo = [];

    public Gen<DiffJson> For(DiffJson schema, int budget)
    {
        if (!_memo.TryGetValue((schema, budget), out Gen<DiffJson>? gen))
        {
            gen = Build(schema, budget);
            _memo[(schema, budget)] = gen;
        }

        return gen;
    }

    /// <summary>Any JSON value, nested at most <paramref name="budget"/> levels.</summary>
    public static Gen<DiffJson> Any(int budget)
    {
        lock (AnyLock)
        {
            if (AnyByBudget.TryGetValue(budget, out Gen<DiffJson>? cached))
            {
                return cached;
            }
        }

        Gen<DiffJson> leaves = DraftSevenGen.Pick<DiffJson>(
            (3, Literal),
            (2, Gen.OneOf([.. DiffPools.Integers, .. DiffPools.Limits]).Select(DiffJson.Number)),
            (3, Gen.Select(Gen.OneOf(DiffPools.Strings), DraftSevenGen.Escape, (s, e) => DiffJson.Text(s, e))));
        Gen<DiffJson> gen = leaves;
        if (budget > 0)
        {
            Gen<DiffJson> inner = Any(budget - 1);
            Gen<DiffJson> arrays = inner.Array[0, 3].Select(items => (DiffJson)new DiffArray(items));
            Gen<DiffJson> objects = Gen.Shuffle(DiffPools.PropertyNames, 0, 3)
                .SelectMany(names => DraftSevenGen.Sequence(names.Select(n => Gen.Select(inner, DraftSevenGen.Escape, (v, e) => new DiffMember(n, e, v)))))
                .Select(members => (DiffJson)new DiffObject(members));
            gen = DraftSevenGen.Pick<DiffJson>((6, leaves), (1, arrays), (1, objects));
        }

        lock (AnyLock)
        {
            AnyByBudget[budget] = gen;
        }

        return gen;
    }

    private Gen<DiffJson> Build(DiffJson schema, int budget)
    {
        var options = new List<(int, IGen<DiffJson>)> { (2, Any(Math.Max(budget, 0))) };
        if (schema is not DiffObject keywords)
        {
            return Any(Math.Max(budget, 0));
        }

        if (keywords.Get("$ref") is DiffString reference && Resolve(reference.Value) is { } target && budget > 0)
        {
            options.Add((8, For(target, budget - 1)));
        }

        if (keywords.Get("type") is { } type)
        {
            options.Add((2, Typed(type, budget)));
        }

        foreach (string name in (string[])["enum", "const"])
        {
            DiffJson? allowed = keywords.Get(name);
            DiffJson[] values = allowed is null ? [] : name == "enum" ? (allowed as DiffArray)?.Items.ToArray() ?? [] : [allowed];
            if (values.Length > 0)
            {
                options.Add((4, Gen.OneOf(values)));
                options.Add((3, Gen.OneOf([.. values.SelectMany(Variants)])));
            }
        }

        foreach (string name in (string[])["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"])
        {
            if (keywords.Get(name) is DiffLiteral { IsNumber: true } limit)
            {
                options.Add((3, Gen.OneOf(Near(limit.Raw)).Select(DiffJson.Number)));
            }
        }

        if (keywords.Get("multipleOf") is DiffLiteral { IsNumber: true } divisor)
        {
            options.Add((3, Gen.OneOf(Multiples(divisor.Raw)).Select(DiffJson.Number)));
        }

        foreach (string name in (string[])["minLength", "maxLength"])
        {
            if (keywords.Get(name) is DiffLiteral { IsNumber: true } length)
            {
                options.Add((3, StringsAround(Count(length.Raw))));
            }
        }

        if (keywords.Get("pattern") is DiffString pattern)
        {
            string[] samples = DiffPools.Patterns.FirstOrDefault(p => p.Pattern == pattern.Value).Samples ?? [];
            options.Add((3, Gen.Select(Gen.OneOf([.. samples, .. DiffPools.Strings]), DraftSevenGen.Escape, (s, e) => DiffJson.Text(s, e))));
        }

        if (keywords.Get("format") is DiffString format && DiffPools.FormatValues.TryGetValue(format.Value, out string[]? formatValues))
        {
            options.Add((4, Gen.Select(Gen.OneOf(formatValues), DraftSevenGen.Escape, (s, e) => DiffJson.Text(s, e))));
        }

        if (budget > 0)
        {
            if (((string[])["items", "additionalItems", "contains", "minItems", "maxItems", "uniqueItems"]).Any(keywords.Has))
            {
                options.Add((4, ArrayFor(keywords, budget - 1)));
            }

            if (((string[])["properties", "patternProperties", "additionalProperties", "required", "minProperties", "maxProperties", "propertyNames", "dependencies"]).Any(keywords.Has))
            {
                options.Add((4, ObjectFor(keywords, budget - 1)));
            }

            foreach (string name in (string[])["allOf", "anyOf", "oneOf"])
            {
                if (keywords.Get(name) is DiffArray branches)
                {
                    options.AddRange(branches.Items.Select(b => (2, (IGen<DiffJson>)For(b, budget - 1))));
                }
            }

            foreach (string name in (string[])["not", "if", "then", "else"])
            {
                if (keywords.Get(name) is { } sub)
                {
                    options.Add((2, For(sub, budget - 1)));
                }
            }

            if (keywords.Get("dependencies") is DiffObject dependencies)
            {
                options.AddRange(dependencies.Members.Where(m => m.Value is not DiffArray).Select(m => (1, (IGen<DiffJson>)For(m.Value, budget - 1))));
            }
        }

        return DraftSevenGen.Pick<DiffJson>([.. options]);
    }

    private DiffJson? Resolve(string reference)
    {
        if (reference == "#")
        {
            return root;
        }

        DiffJson? node = root;
        foreach (string token in reference[2..].Split('/'))
        {
            string name = Uri.UnescapeDataString(token).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = (node as DiffObject)?.Get(name);
        }

        return node;
    }

    private static Gen<DiffJson> Typed(DiffJson type, int budget)
    {
        string[] names = type switch
        {
            DiffString single => [single.Value],
            DiffArray several => [.. several.Items.OfType<DiffString>().Select(s => s.Value)],
            _ => [],
        };
        Gen<DiffJson> any = Any(Math.Max(budget, 0));
        return DraftSevenGen.Either<DiffJson>([.. names.Select(name => name switch
        {
            "null" => Gen.Const(DiffJson.Null),
            "boolean" => Gen.OneOf(DiffJson.True, DiffJson.False),
            "integer" => Gen.OneOf(DiffPools.Integers).Select(DiffJson.Number),
            "number" => Gen.OneOf([.. DiffPools.Integers, .. DiffPools.Limits]).Select(DiffJson.Number),
            "string" => Gen.Select(Gen.OneOf(DiffPools.Strings), DraftSevenGen.Escape, (s, e) => DiffJson.Text(s, e)),
            _ => any,
        }), any]);
    }

    private Gen<DiffJson> ArrayFor(DiffObject keywords, int budget)
    {
        DiffJson? items = keywords.Get("items");
        DiffJson? additional = keywords.Get("additionalItems");
        DiffJson? contains = keywords.Get("contains");
        var lengths = new SortedSet<int> { 0, 1, 2, 3 };
        foreach (string name in (string[])["minItems", "maxItems"])
        {
            if (keywords.Get(name) is DiffLiteral { IsNumber: true } limit)
            {
                int n = Count(limit.Raw);
                lengths.UnionWith([n - 1, n, n + 1]);
            }
        }

        if (items is DiffArray tuple)
        {
            lengths.UnionWith([tuple.Items.Count, tuple.Items.Count + 1]);
        }

        Gen<DiffJson> Element(int index)
        {
            Gen<DiffJson> element = items switch
            {
                DiffArray positional when index < positional.Items.Count => For(positional.Items[index], budget),
                DiffArray => additional is null ? Any(budget) : For(additional, budget),
                null => Any(budget),
                _ => For(items, budget),
            };
            return contains is null ? element : DraftSevenGen.Pick<DiffJson>((3, element), (2, For(contains, budget)));
        }

        Gen<DiffJson[]>[] byLength = [.. lengths.Where(n => n is >= 0 and <= 6).Select(n => DraftSevenGen.Sequence(Enumerable.Range(0, n).Select(Element)))];
        return DraftSevenGen.Either<DiffJson[]>(byLength)
            .SelectMany(array => array.Length == 0
                ? Gen.Const(array)
                : DraftSevenGen.Pick<DiffJson[]>(
                    (2, Gen.Const(array)),
                    (1, Gen.Select(Gen.Int[0, array.Length - 1], Gen.Int[0, array.Length], Gen.Int[0, 15], (from, at, pick) =>
                    {
                        DiffJson[] variants = Variants(array[from]);
                        return (DiffJson[])[.. array[..at], variants[pick % variants.Length], .. array[at..]];
                    }))))
            .Select(array => (DiffJson)new DiffArray(array));
    }

    private Gen<DiffJson> ObjectFor(DiffObject keywords, int budget)
    {
        var properties = keywords.Get("properties") as DiffObject;
        var patterns = keywords.Get("patternProperties") as DiffObject;
        DiffJson? additional = keywords.Get("additionalProperties");
        var required = new HashSet<string>(Strings(keywords.Get("required")));
        var names = new List<string>();
        void add(string name)
        {
            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }

        foreach (DiffMember member in properties?.Members ?? [])
        {
            add(member.Name);
        }

        foreach (string name in required)
        {
            add(name);
        }

        if (keywords.Get("dependencies") is DiffObject dependencies)
        {
            foreach (DiffMember member in dependencies.Members)
            {
                add(member.Name);
                foreach (string name in Strings(member.Value))
                {
                    add(name);
                }
            }
        }

        foreach (DiffMember member in patterns?.Members ?? [])
        {
            foreach (string name in DiffPools.PropertyNames.Where(n => Matches(member.Name, n)).Take(2))
            {
                add(name);
            }
        }

        Gen<DiffJson> Value(string name)
        {
            if (properties?.Get(name) is { } declared)
            {
                return For(declared, budget);
            }

            DiffMember? matching = patterns?.Members.FirstOrDefault(m => Matches(m.Name, name));
            return matching is not null ? For(matching.Value, budget) : additional is not null ? For(additional, budget) : Any(budget);
        }

        Gen<DiffMember?> Member(string name) => Gen.Select(
            required.Contains(name) ? Gen.Frequency((3, true), (1, false)) : Gen.Bool,
            Value(name),
            DraftSevenGen.Escape,
            (include, value, escape) => include ? new DiffMember(name, escape, value) : null);

        Gen<DiffMember?>[] declaredMembers = [.. names.Select(Member)];
        return Gen.Shuffle(DiffPools.PropertyNames, 0, 2)
            .SelectMany(extra => DraftSevenGen.Sequence([.. declaredMembers, .. extra.Where(n => !names.Contains(n)).Select(Member)]))
            .Select(members => (DiffJson)new DiffObject([.. members.OfType<DiffMember>()]));
    }

    private static IEnumerable<string> Strings(DiffJson? array) =>
        (array as DiffArray)?.Items.OfType<DiffString>().Select(s => s.Value) ?? [];

    private static bool Matches(string pattern, string name)
    {
        try
        {
            return Regex.IsMatch(name, EcmaRegex.Translate(pattern), RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static int Count(string raw) => (int)double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static Gen<DiffJson> StringsAround(int limit) =>
        Gen.OneOf([.. new[] { limit - 1, limit, limit + 1 }.Where(n => n >= 0)])
            .SelectMany(length => Gen.OneOf(DiffPools.LengthUnits).Array[length])
            .Select(DraftSevenGen.Escape, (units, escape) => DiffJson.Text(string.Concat(units), escape));

    /// <summary>The limit itself, other spellings of it, and values one step, half a step and a hair either side.</summary>
    internal static string[] Near(string raw)
    {
        var values = new List<string> { raw };
        values.AddRange(Spellings(raw));
        if (TryDecimal(raw, out decimal exact))
        {
            foreach (decimal delta in (decimal[])[1m, 0.5m, 0.1m, 0.000001m])
            {
                values.Add(DiffPools.Format(exact - delta));
                values.Add(DiffPools.Format(exact + delta));
            }
        }
        else if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double approximate) && double.IsFinite(approximate))
        {
            foreach (double value in (double[])[Math.BitIncrement(approximate), Math.BitDecrement(approximate), -approximate, approximate / 10])
            {
                if (double.IsFinite(value))
                {
                    values.Add(value.ToString("R", CultureInfo.InvariantCulture));
                }
            }
        }

        return [.. values.Distinct()];
    }

    /// <summary>Multiples of a divisor, halves and tenths between them, and other spellings of a multiple.</summary>
    internal static string[] Multiples(string raw)
    {
        var values = new List<string>();
        if (TryDecimal(raw, out decimal exact) && exact != 0)
        {
            foreach (int k in (int[])[-2, -1, 0, 1, 2, 3, 7, 10])
            {
                try
                {
                    values.Add(DiffPools.Format(k * exact));
                    values.Add(DiffPools.Format((k * exact) + (exact / 2)));
                    values.Add(DiffPools.Format((k * exact) + (exact / 10)));
                }
                catch (OverflowException)
                {
                    // a huge divisor: the double spellings below cover it
                }
            }

            values.AddRange(Spellings(DiffPools.Format(3 * exact)));
        }

        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double approximate) && double.IsFinite(approximate))
        {
            foreach (double value in (double[])[approximate, 2 * approximate, approximate / 2, approximate * 1e10, 0.3])
            {
                if (double.IsFinite(value))
                {
                    values.Add(value.ToString("R", CultureInfo.InvariantCulture));
                }
            }
        }

        return [.. values.Distinct()];
    }

    /// <summary>Other spellings of exactly the same number: <c>5</c> as <c>5.0</c>, <c>5e0</c>, <c>5.0E0</c>.</summary>
    internal static string[] Spellings(string raw)
    {
        int e = raw.IndexOfAny(['e', 'E']);
        if (e < 0)
        {
            return raw.Contains('.', StringComparison.Ordinal) ? [raw + "0", raw + "e0"] : [raw + ".0", raw + "e0", raw + ".0E0"];
        }

        string mantissa = raw[..e];
        string exponent = raw[(e + 1)..];
        string[] spellings = mantissa.Contains('.', StringComparison.Ordinal)
            ? [mantissa + "0e" + exponent, mantissa + "E" + exponent]
            : [mantissa + ".0e" + exponent, mantissa + "E" + exponent];
        return exponent.StartsWith('-') ? spellings : [.. spellings, mantissa + "e+" + exponent.TrimStart('+')];
    }

    /// <summary>The value as a decimal, unless decimal would round it away (1e-30 parses as 0).</summary>
    private static bool TryDecimal(string raw, out decimal value) =>
        decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
        && (double)value == double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>The value itself, equal values written differently, and unequal values close to it.</summary>
    internal static DiffJson[] Variants(DiffJson value) => value switch
    {
        DiffLiteral { IsNumber: true } number =>
            [number, .. Spellings(number.Raw).Select(DiffJson.Number), .. Near(number.Raw).Skip(1).Take(3).Select(DiffJson.Number)],
        DiffLiteral literal => [literal, literal, literal == DiffJson.True ? DiffJson.False : DiffJson.True, DiffJson.Null],
        DiffString text =>
        [
            text, DiffJson.Text(text.Value, StringEscape.NonAscii), DiffJson.Text(text.Value, StringEscape.All),
            DiffJson.Text(text.Value + "x"), DiffJson.Text(text.Value.ToUpperInvariant()),
        ],
        DiffArray array =>
        [
            array, new DiffArray([.. array.Items.Reverse()]),
            array.Items.Count == 0 ? DiffJson.Array(DiffJson.Null) : new DiffArray([Variants(array.Items[0])[1], .. array.Items.Skip(1)]),
        ],
        DiffObject obj =>
        [
            obj, new DiffObject([.. obj.Members.Reverse()]),
            obj.Members.Count == 0 ? DiffJson.Object(("a", DiffJson.Null)) : new DiffObject([.. obj.Members.Skip(1)]),
            new DiffObject([.. obj.Members.Select(m => m with { NameEscape = StringEscape.All, Value = Variants(m.Value)[1] })]),
        ],
        _ => [value],
    };
}
