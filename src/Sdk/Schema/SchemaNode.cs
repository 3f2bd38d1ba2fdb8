using System.Text.Json;

namespace Patchbay.Sdk.Schema;

/// <summary>
/// One compiled (sub)schema: its keywords split by the instance kind they apply to, so validation only runs
/// the checks that can fail for the value in hand. Immutable once the compiler has filled it.
/// </summary>
internal sealed class SchemaNode(string schemaPath)
{
    public string SchemaPath { get; } = schemaPath;

    /// <summary>Set for <c>true</c>/<c>false</c> schemas.</summary>
    public bool? BooleanSchema { get; set; }

    public Keyword[] Any { get; set; } = [];

    public Keyword[] Strings { get; set; } = [];

    public Keyword[] Numbers { get; set; } = [];

    public Keyword[] Objects { get; set; } = [];

    public Keyword[] Arrays { get; set; } = [];

    /// <summary>When the node is only a <c>$ref</c>: the reference (used to detect ref-only cycles).</summary>
    public RefKeyword? OnlyRef { get; set; }

    public bool Evaluate(JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        if (BooleanSchema is bool allowed)
        {
            if (!allowed)
            {
                context?.Report(SchemaPath, "false", "no value is allowed here (the schema is false)");
            }

            return allowed;
        }

        bool valid = Run(Any, instance, context, instanceDepth, refDepth);
        if (!valid && (context is null || context.Stopped))
        {
            return false;
        }

        Keyword[] typed = instance.ValueKind switch
        {
            JsonValueKind.String => Strings,
            JsonValueKind.Number => Numbers,
            JsonValueKind.Object => Objects,
            JsonValueKind.Array => Arrays,
            _ => [],
        };

        return typed.Length == 0 ? valid : Run(typed, instance, context, instanceDepth, refDepth) && valid;
    }

    private static bool Run(Keyword[] keywords, JsonElement instance, ValidationContext? context, int instanceDepth, int refDepth)
    {
        bool valid = true;
        foreach (Keyword keyword in keywords)
        {
            if (!keyword.Evaluate(instance, context, instanceDepth, refDepth))
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
