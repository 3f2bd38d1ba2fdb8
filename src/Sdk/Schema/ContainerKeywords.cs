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

/// <summary><c>properties</c>, <c>patternProperties</c> and <c>additionalProperties</c> in one pass over the object.</summary>
internal sealed class PropertiesKeyword(
    string schemaPath,
    NamedSchema[] properties,
    (RegexPredicate Pattern, SchemaNode Node)[] patterns,
    SchemaNode? additional,
    int maxDepth) : Keyword(schemaPath, "properties")
{
    private readonly PropertyLookup _lookup = new(properties);
    private readonly string _additionalPath = schemaPath[..schemaPath.LastIndexOf('/')] + "/additionalProperties";

    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        bool valid = true;
        foreach (JsonProperty property in instance.EnumerateObject())
        {
            bool matched = false;
            int index = _lookup.Find(property);
            if (index >= 0)
            {
                matched = true;
                if (!DescendProperty(properties[index].Node, property, context, instanceDepth, maxDepth))
                {
                    if (context is null || context.Stopped)
                    {
                        return false;
                    }

                    valid = false;
                }
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

        return valid;
    }
}

/// <summary>Finds a property's schema by its raw UTF-8 name: linear for a few names, hashed for many.</summary>
internal sealed class PropertyLookup
{
    private const int LinearLimit = 8;
    private readonly NamedSchema[] _entries;
    private readonly int[] _buckets = [];
    private readonly int[] _next = [];

    public PropertyLookup(NamedSchema[] entries)
    {
        _entries = entries;
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

    public int Find(JsonProperty property)
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
        Span<int> hashes = length <= StackItems ? stackalloc int[StackItems] : (rented = ArrayPool<int>.Shared.Rent(length));
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
