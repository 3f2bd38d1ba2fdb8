using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Patchbay.Sdk.Schema;

/// <summary>A property name known to the schema, as UTF-8 for allocation-free matching.</summary>
internal sealed class NamedSchema(string name, SchemaNode node)
{
    public string Name { get; } = name;

    public byte[] Utf8 { get; } = System.Text.Encoding.UTF8.GetBytes(name);

    public SchemaNode Node { get; } = node;
}

/// <summary>
/// <c>properties</c>, <c>patternProperties</c> and <c>additionalProperties</c> in one pass over the object, and, when the
/// compiler folds it in (<see cref="RequiredNames"/>), <c>required</c> from the same pass: each property is looked up
/// once, and a required name is present when its bit is set, instead of a scan of the object per required name.
/// </summary>
internal sealed class PropertiesKeyword(
    string schemaPath,
    NamedSchema[] properties,
    (RegexPredicate Pattern, SchemaNode Node)[] patterns,
    SchemaNode? additional,
    int maxDepth,
    RequiredNames? required = null) : Keyword(schemaPath, "properties")
{
    private readonly PropertyLookup _lookup = new(properties);
    private readonly string _additionalPath = schemaPath[..schemaPath.LastIndexOf('/')] + "/additionalProperties";

    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        bool valid = true;
        ulong seen = 0;
        ulong seenOthers = 0;
        int hint = 0;
        foreach (JsonProperty property in instance.EnumerateObject())
        {
            bool matched = false;
            int index = _lookup.Find(property, hint);
            if (index >= 0)
            {
                matched = true;
                hint = index + 1;
                seen |= index < 64 ? 1UL << index : 0;
                if (!DescendProperty(properties[index].Node, property, context, instanceDepth, maxDepth))
                {
                    if (context is null || context.Stopped)
                    {
                        return false;
                    }

                    valid = false;
                }
            }

            if (required is { Others: { } others })
            {
                int other = others.Find(property, 0);
                seenOthers |= other >= 0 ? 1UL << other : 0;
            }

            foreach ((RegexPredicate pattern, SchemaNode node) in patterns)
            {
                if (JsonValues.TestName(property, pattern))
                {
                    matched = true;
                    if (!DescendProperty(node, property, context, instanceDepth, maxDepth))
                    {
                        if (context is null || context.Stopped)
                        {
                            return false;
                        }

                        valid = false;
                    }
                }
            }

            if (!matched && additional is not null)
            {
                bool ok;
                if (additional.BooleanSchema == false)
                {
                    context?.ReportAtChild(property.Name, _additionalPath, "additionalProperties", "is not an allowed property");
                    ok = false;
                }
                else
                {
                    ok = DescendProperty(additional, property, context, instanceDepth, maxDepth);
                }

                if (!ok)
                {
                    if (context is null || context.Stopped)
                    {
                        return false;
                    }

                    valid = false;
                }
            }
        }

        return required is null || required.Check(seen, seenOthers, context) ? valid : false;
    }
}

/// <summary>
/// A <c>required</c> list folded into <see cref="PropertiesKeyword"/>'s pass. Each name is a bit: the index of its
/// entry in <c>properties</c> (below 64), or an index into <see cref="Others"/>, a lookup of the required names that
/// <c>properties</c> does not list (at most 64). Missing names are reported in the order <c>required</c> lists them,
/// at the same paths as <see cref="RequiredKeyword"/>.
/// </summary>
internal sealed class RequiredNames
{
    private readonly NamedSchema[] _names;
    private readonly (bool Other, int Bit)[] _bits;
    private readonly ulong _mask;
    private readonly ulong _othersMask;
    private readonly string _schemaPath;

    private RequiredNames(string schemaPath, NamedSchema[] names, (bool Other, int Bit)[] bits, PropertyLookup? others)
    {
        _schemaPath = schemaPath;
        _names = names;
        _bits = bits;
        Others = others;
        foreach ((bool other, int bit) in bits)
        {
            if (other)
            {
                _othersMask |= 1UL << bit;
            }
            else
            {
                _mask |= 1UL << bit;
            }
        }
    }

    /// <summary>The required names <c>properties</c> does not list; <see langword="null"/> when it lists them all.</summary>
    public PropertyLookup? Others { get; }

    /// <summary>Folds <paramref name="names"/> into a pass over <paramref name="properties"/>; <see langword="null"/> when they do not fit in the bits.</summary>
    public static RequiredNames? TryCreate(string schemaPath, NamedSchema[] names, NamedSchema[] properties)
    {
        // Linear in the names and properties however many there are: a hostile schema cannot make compiling quadratic.
        // A schema that repeats a property key keeps the separate keyword (and the lookup takes no hint for it).
        var indexes = new Dictionary<string, int>(properties.Length, StringComparer.Ordinal);
        for (int i = 0; i < properties.Length; i++)
        {
            if (!indexes.TryAdd(Convert.ToHexString(properties[i].Utf8), i))
            {
                return null;
            }
        }

        var bits = new (bool Other, int Bit)[names.Length];
        var others = new List<NamedSchema>();
        for (int i = 0; i < names.Length; i++)
        {
            byte[] name = names[i].Utf8;
            if (indexes.TryGetValue(Convert.ToHexString(name), out int index))
            {
                if (index >= 64)
                {
                    return null;
                }

                bits[i] = (false, index);
                continue;
            }

            int other = others.FindIndex(p => p.Utf8.AsSpan().SequenceEqual(name));
            if (other < 0)
            {
                other = others.Count;
                others.Add(names[i]);
            }

            if (other >= 64)
            {
                return null;
            }

            bits[i] = (true, other);
        }

        return new RequiredNames(schemaPath, names, bits, others.Count == 0 ? null : new PropertyLookup([.. others]));
    }

    /// <summary>Whether every name was seen; with a context, reports each missing one.</summary>
    public bool Check(ulong seen, ulong seenOthers, ValidationContext? context)
    {
        if ((seen & _mask) == _mask && (seenOthers & _othersMask) == _othersMask)
        {
            return true;
        }

        if (context is null)
        {
            return false;
        }

        for (int i = 0; i < _names.Length; i++)
        {
            (bool other, int bit) = _bits[i];
            if (((other ? seenOthers : seen) & (1UL << bit)) == 0)
            {
                context.ReportAtChild(_names[i].Name, _schemaPath, "required", "is required");
                if (context.Stopped)
                {
                    return false;
                }
            }
        }

        return false;
    }
}

/// <summary>Finds a property's schema by its raw UTF-8 name: linear for a few names, hashed for many.</summary>
internal sealed class PropertyLookup
{
    private const int LinearLimit = 8;
    private readonly NamedSchema[] _entries;
    private readonly int[] _buckets = [];
    private readonly int[] _next = [];
    private readonly bool _distinct;

    public PropertyLookup(NamedSchema[] entries)
    {
        _entries = entries;
        _distinct = HasDistinctNames(entries);
        if (entries.Length > LinearLimit)
        {
            _buckets = new int[entries.Length * 2];
            _next = new int[entries.Length];
            Array.Fill(_buckets, -1);
            for (int i = 0; i < entries.Length; i++)
            {
                int bucket = (int)(Hash(entries[i].Utf8) % (uint)_buckets.Length);
                _next[i] = _buckets[bucket];
                _buckets[bucket] = i;
            }
        }
    }

    /// <summary>
    /// The index of the entry named like <paramref name="property"/>, or -1. <paramref name="hint"/> is tried first:
    /// objects usually list their properties in the schema's order, so the entry after the last match is a good guess.
    /// </summary>
    public int Find(JsonProperty property, int hint)
    {
        if (_entries.Length == 0)
        {
            return -1;
        }

        ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (raw.IndexOf((byte)'\\') >= 0)
        {
            for (int i = 0; i < _entries.Length; i++)
            {
                if (property.NameEquals(_entries[i].Utf8))
                {
                    return i;
                }
            }

            return -1;
        }

        // Unescaped, the raw name is the name. A schema that repeats a name takes no hint, so it keeps its old match.
        if (_distinct && (uint)hint < (uint)_entries.Length && raw.SequenceEqual(_entries[hint].Utf8))
        {
            return hint;
        }

        if (_buckets.Length == 0)
        {
            for (int i = 0; i < _entries.Length; i++)
            {
                if (raw.SequenceEqual(_entries[i].Utf8))
                {
                    return i;
                }
            }

            return -1;
        }

        for (int i = _buckets[(int)(Hash(raw) % (uint)_buckets.Length)]; i >= 0; i = _next[i])
        {
            if (raw.SequenceEqual(_entries[i].Utf8))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Whether no two entries share a name as <see cref="Find"/> compares them (UTF-8); a schema object may repeat a key.</summary>
    public static bool HasDistinctNames(NamedSchema[] entries)
    {
        var names = new HashSet<string>(entries.Length, StringComparer.Ordinal);
        foreach (NamedSchema entry in entries)
        {
            if (!names.Add(Convert.ToHexString(entry.Utf8)))
            {
                return false;
            }
        }

        return true;
    }

    private static uint Hash(ReadOnlySpan<byte> bytes)
    {
        uint hash = 2166136261;
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * 16777619;
        }

        return hash;
    }
}

/// <summary><c>required</c>: a missing property is reported at its own path.</summary>
internal sealed class RequiredKeyword(string schemaPath, NamedSchema[] names) : Keyword(schemaPath, "required")
{
    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        bool valid = true;
        foreach (NamedSchema name in names)
        {
            if (!instance.TryGetProperty(name.Utf8, out _))
            {
                if (context is null)
                {
                    return false;
                }

                context.ReportAtChild(name.Name, SchemaPath, Name, "is required");
                valid = false;
                if (context.Stopped)
                {
                    return false;
                }
            }
        }

        return valid;
    }
}

/// <summary><c>minProperties</c> / <c>maxProperties</c>.</summary>
internal sealed class PropertyCountKeyword(string schemaPath, string name, long limit) : Keyword(schemaPath, name)
{
    private readonly bool _isMax = name == "maxProperties";

    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        int count = JsonValues.CountProperties(instance);
        return (_isMax ? count <= limit : count >= limit)
            || (context is not null && Fail(context, "has " + count + (count == 1 ? " property" : " properties") + "; " + (_isMax ? "at most " : "at least ") + limit + (_isMax ? " allowed" : " required")));
    }
}

/// <summary><c>propertyNames</c>. Allocates a small document per name: names are not JsonElements.</summary>
internal sealed class PropertyNamesKeyword(string schemaPath, SchemaNode node) : Keyword(schemaPath, "propertyNames")
{
    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        if (node.BooleanSchema == true)
        {
            return true;
        }

        bool valid = true;
        foreach (JsonProperty property in instance.EnumerateObject())
        {
            using JsonDocument name = JsonDocument.Parse("\"" + JsonEncodedText.Encode(property.Name).Value + "\"");
            context?.Push(property.Name);
            bool ok = node.Evaluate(name.RootElement, context, instanceDepth + 1, 0);
            context?.Pop();
            if (!ok)
            {
                if (context is null || context.Stopped)
                {
                    return false;
                }

                valid = false;
            }
        }

        return valid;
    }
}

/// <summary><c>dependencies</c>: property dependencies (array form) and schema dependencies.</summary>
internal sealed class DependenciesKeyword(string schemaPath, (NamedSchema Trigger, NamedSchema[]? Required)[] dependencies) : Keyword(schemaPath, "dependencies")
{
    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        bool valid = true;
        foreach ((NamedSchema trigger, NamedSchema[]? required) in dependencies)
        {
            if (!instance.TryGetProperty(trigger.Utf8, out _))
            {
                continue;
            }

            if (required is not null)
            {
                foreach (NamedSchema name in required)
                {
                    if (!instance.TryGetProperty(name.Utf8, out _))
                    {
                        if (context is null)
                        {
                            return false;
                        }

                        context.ReportAtChild(name.Name, SchemaPath + "/" + ValidationContext.EscapeToken(trigger.Name), Name, "is required when '" + trigger.Name + "' is present");
                        valid = false;
                        if (context.Stopped)
                        {
                            return false;
                        }
                    }
                }
            }
            else if (!trigger.Node.Evaluate(instance, context, instanceDepth, refDepth))
            {
                if (context is null || context.Stopped)
                {
                    return false;
                }

                valid = false;
            }
        }

        return valid;
    }
}

/// <summary><c>items</c> (one schema or a tuple) with <c>additionalItems</c>.</summary>
internal sealed class ItemsKeyword(string schemaPath, SchemaNode? all, SchemaNode[]? tuple, SchemaNode? additional, string additionalPath, int maxDepth) : Keyword(schemaPath, "items")
{
    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        bool valid = true;
        int index = 0;
        foreach (JsonElement item in instance.EnumerateArray())
        {
            SchemaNode? node = all ?? (index < tuple!.Length ? tuple[index] : additional);
            if (node is not null)
            {
                bool ok;
                if (node.BooleanSchema == false && all is null && index >= tuple!.Length)
                {
                    ok = false;
                    if (context is not null)
                    {
                        context.Push(index);
                        context.Report(additionalPath, "additionalItems", "is not allowed: at most " + tuple.Length + " items are allowed");
                        context.Pop();
                    }
                }
                else
                {
                    ok = DescendItem(node, item, index, context, instanceDepth, maxDepth);
                }

                if (!ok)
                {
                    if (context is null || context.Stopped)
                    {
                        return false;
                    }

                    valid = false;
                }
            }

            index++;
        }

        return valid;
    }
}

/// <summary><c>contains</c>.</summary>
internal sealed class ContainsKeyword(string schemaPath, SchemaNode node, int maxDepth) : Keyword(schemaPath, "contains")
{
    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        int index = 0;
        foreach (JsonElement item in instance.EnumerateArray())
        {
            if (DescendItem(node, item, index++, null, instanceDepth, maxDepth))
            {
                return true;
            }
        }

        return context is not null && Fail(context, "must contain at least one item that matches the contains schema");
    }
}

/// <summary><c>minItems</c> / <c>maxItems</c>.</summary>
internal sealed class ItemCountKeyword(string schemaPath, string name, long limit) : Keyword(schemaPath, name)
{
    private readonly bool _isMax = name == "maxItems";

    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        int count = instance.GetArrayLength();
        return (_isMax ? count <= limit : count >= limit)
            || (context is not null && Fail(context, "has " + count + (count == 1 ? " item" : " items") + "; " + (_isMax ? "at most " : "at least ") + limit + (_isMax ? " allowed" : " required")));
    }
}

/// <summary><c>uniqueItems</c>: hashes first so large arrays are not quadratic.</summary>
internal sealed class UniqueItemsKeyword(string schemaPath) : Keyword(schemaPath, "uniqueItems")
{
    private const int StackItems = 32;

    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        int length = instance.GetArrayLength();
        if (length < 2)
        {
            return true;
        }

        int[]? rented = null;
        Span<int> hashes = length <= StackItems ? stackalloc int[length] : (rented = ArrayPool<int>.Shared.Rent(length));
        try
        {
            int i = 0;
            foreach (JsonElement item in instance.EnumerateArray())
            {
                hashes[i++] = JsonValues.ShallowHash(item);
            }

            for (i = 1; i < length; i++)
            {
                for (int j = 0; j < i; j++)
                {
                    if (hashes[i] == hashes[j] && JsonValues.DeepEquals(instance[i], instance[j]))
                    {
                        return context is not null && Fail(context, "items " + j + " and " + i + " are equal; items must be unique");
                    }
                }
            }

            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }
}
