using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Patchbay.Sdk.Schema;

/// <summary>One compiled check. Evaluate returns whether the instance passes; with a context it also reports why not.</summary>
internal abstract class Keyword(string schemaPath, string name)
{
    public string SchemaPath { get; } = schemaPath;

    public string Name { get; } = name;

    public abstract bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth);

    protected bool Fail(ValidationContext? context, string message)
    {
        context?.Report(SchemaPath, Name, message);
        return false;
    }

    /// <summary>Evaluates a subschema against a property's value, tracking the path and the depth bound.</summary>
    protected bool DescendProperty(SchemaNode node, JsonProperty property, ValidationContext? context, int instanceDepth, int maxDepth)
    {
        if (context is null)
        {
            return instanceDepth < maxDepth && node.Evaluate(property.Value, null, instanceDepth + 1, 0);
        }

        context.Push(property.Name);
        bool valid = instanceDepth < maxDepth
            ? node.Evaluate(property.Value, context, instanceDepth + 1, 0)
            : TooDeep(context, maxDepth);
        context.Pop();
        return valid;
    }

    /// <summary>Evaluates a subschema against an array item, tracking the path and the depth bound.</summary>
    protected bool DescendItem(SchemaNode node, JsonElement item, int index, ValidationContext? context, int instanceDepth, int maxDepth)
    {
        if (context is null)
        {
            return instanceDepth < maxDepth && node.Evaluate(item, null, instanceDepth + 1, 0);
        }

        context.Push(index);
        bool valid = instanceDepth < maxDepth
            ? node.Evaluate(item, context, instanceDepth + 1, 0)
            : TooDeep(context, maxDepth);
        context.Pop();
        return valid;
    }

    private bool TooDeep(ValidationContext context, int maxDepth)
    {
        context.Report(SchemaPath, "maxDepth", "is nested more than " + maxDepth + " levels deep; flatten the value or raise JsonSchemaOptions.MaxInstanceDepth");
        return false;
    }
}

/// <summary><c>$ref</c>: evaluates the target node. Bounds the same-location ref chain and the stack.</summary>
internal sealed class RefKeyword(string schemaPath, string reference, int maxRefDepth) : Keyword(schemaPath, "$ref")
{
    public string Reference { get; } = reference;

    public SchemaNode Target { get; set; } = null!;

    public override bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        if (refDepth >= maxRefDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            context?.Report(SchemaPath, Name, "the schema followed $ref '" + Reference + "' more than " + maxRefDepth
                + " times without moving into the value; the schema is recursive without end");
            return false;
        }

        return Target.Evaluate(instance, context, instanceDepth, refDepth + 1);
    }
}
