using System.Text;
using System.Text.Json;

namespace Patchbay.Sdk.Schema;

[Flags]
internal enum SchemaTypes
{
    None = 0,
    Null = 1,
    Boolean = 2,
    Object = 4,
    Array = 8,
    Number = 16,
    String = 32,
    Integer = 64,
}

/// <summary><c>type</c>.</summary>
internal sealed class TypeKeyword(string schemaPath, SchemaTypes types, string expected) : Keyword(schemaPath, "type")
{
    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        SchemaTypes actual = instance.ValueKind switch
        {
            JsonValueKind.Object => SchemaTypes.Object,
            JsonValueKind.Array => SchemaTypes.Array,
            JsonValueKind.String => SchemaTypes.String,
            JsonValueKind.Number => SchemaTypes.Number,
            JsonValueKind.True or JsonValueKind.False => SchemaTypes.Boolean,
            _ => SchemaTypes.Null,
        };

        if ((types & actual) != 0
            || (actual == SchemaTypes.Number && (types & SchemaTypes.Integer) != 0 && JsonValues.IsInteger(instance)))
        {
            return true;
        }

        return context is null ? false : Fail(context, "must be " + expected + ", not " + JsonValues.TypeName(instance));
    }
}

/// <summary><c>enum</c>, with a fast path for string instances.</summary>
internal sealed class EnumKeyword(string schemaPath, JsonElement[] values) : Keyword(schemaPath, "enum")
{
    private readonly byte[][] _strings = StringValues(values);
    private readonly bool _onlyStrings = Array.TrueForAll(values, v => v.ValueKind == JsonValueKind.String);

    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        if (instance.ValueKind == JsonValueKind.String)
        {
            foreach (byte[] value in _strings)
            {
                if (instance.ValueEquals(value))
                {
                    return true;
                }
            }
        }
        else if (!_onlyStrings)
        {
            foreach (JsonElement value in values)
            {
                if (JsonValues.DeepEquals(instance, value))
                {
                    return true;
                }
            }
        }

        if (context is null)
        {
            return false;
        }

        var sb = new StringBuilder("is not one of: ");
        for (int i = 0; i < values.Length; i++)
        {
            sb.Append(i == 0 ? "" : ", ").Append(JsonValues.Display(values[i]));
        }

        return Fail(context, sb.ToString());
    }

    private static byte[][] StringValues(JsonElement[] values)
    {
        var list = new List<byte[]>();
        foreach (JsonElement value in values)
        {
            if (value.ValueKind == JsonValueKind.String)
            {
                list.Add(Encoding.UTF8.GetBytes(value.GetString()!));
            }
        }

        return [.. list];
    }
}

/// <summary><c>const</c>.</summary>
internal sealed class ConstKeyword(string schemaPath, JsonElement value) : Keyword(schemaPath, "const")
{
    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth) =>
        JsonValues.DeepEquals(instance, value) || (context is not null && Fail(context, "must be " + JsonValues.Display(value)));
}

/// <summary><c>allOf</c>: every subschema's errors are reported as they are.</summary>
internal sealed class AllOfKeyword(string schemaPath, SchemaNode[] nodes) : Keyword(schemaPath, "allOf")
{
    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        bool valid = true;
        foreach (SchemaNode node in nodes)
        {
            if (!node.Evaluate(instance, context, instanceDepth, refDepth))
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

/// <summary><c>anyOf</c>.</summary>
internal sealed class AnyOfKeyword(string schemaPath, SchemaNode[] nodes) : Keyword(schemaPath, "anyOf")
{
    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        foreach (SchemaNode node in nodes)
        {
            if (node.Evaluate(instance, null, instanceDepth, refDepth))
            {
                return true;
            }
        }

        return context is not null && Fail(context, "must match at least one of the " + nodes.Length + " schemas in anyOf");
    }
}

/// <summary><c>oneOf</c>.</summary>
internal sealed class OneOfKeyword(string schemaPath, SchemaNode[] nodes) : Keyword(schemaPath, "oneOf")
{
    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        int first = -1;
        for (int i = 0; i < nodes.Length; i++)
        {
            if (nodes[i].Evaluate(instance, null, instanceDepth, refDepth))
            {
                if (first >= 0)
                {
                    return context is not null && Fail(context, "must match exactly one schema in oneOf, but matches schemas " + first + " and " + i);
                }

                first = i;
            }
        }

        return first >= 0 || (context is not null && Fail(context, "must match exactly one of the " + nodes.Length + " schemas in oneOf, but matches none"));
    }
}

/// <summary><c>not</c>.</summary>
internal sealed class NotKeyword(string schemaPath, SchemaNode node) : Keyword(schemaPath, "not")
{
    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth) =>
        !node.Evaluate(instance, null, instanceDepth, refDepth)
        || (context is not null && Fail(context, "must not match the schema in not"));
}

/// <summary><c>if</c>/<c>then</c>/<c>else</c>.</summary>
internal sealed class IfKeyword(string schemaPath, SchemaNode condition, SchemaNode? then, SchemaNode? otherwise) : Keyword(schemaPath, "if")
{
    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        SchemaNode? branch = condition.Evaluate(instance, null, instanceDepth, refDepth) ? then : otherwise;
        return branch is null || branch.Evaluate(instance, context, instanceDepth, refDepth);
    }
}
