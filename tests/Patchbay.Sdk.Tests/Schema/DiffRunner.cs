using System.Text.Json;
using Patchbay.Sdk.Schema;
using Reference = Json.Schema;

namespace Patchbay.Sdk.Tests.Schema;

/// <summary>Counts kept over a differential run, so the test can show what it compared and assert what it covered.</summary>
internal sealed class DiffStats
{
    public int Schemas { get; set; }

    public int Comparisons { get; set; }

    public int Valid { get; set; }

    public int Invalid { get; set; }

    public Dictionary<string, int> Excluded { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Features { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Runs one generated case through Patchbay's validator and JsonSchema.Net 8.0.5 (the reference: draft-7 dialect,
/// format assertion on, as ours) and reports the first disagreement that no <see cref="KnownDifferences"/> entry explains.
/// </summary>
internal static class DiffRunner
{
    private static readonly Reference.EvaluationOptions Evaluation = CreateEvaluationOptions();

    /// <summary>Draft-7 evaluation as Patchbay does it: format is an assertion.</summary>
    public static Reference.EvaluationOptions CreateEvaluationOptions() => new()
    {
        RequireFormatValidation = true,
        OutputFormat = Reference.OutputFormat.Flag,
    };

    /// <summary>Builds JsonSchema.Net's schema in a registry of its own, so thousands of runs leave nothing in the global one.</summary>
    public static Reference.JsonSchema BuildReference(string schema) =>
        Reference.JsonSchema.FromText(schema, new Reference.BuildOptions
        {
            Dialect = Reference.Dialect.Draft07,
            SchemaRegistry = new Reference.SchemaRegistry(),
        });

    public static bool ReferenceIsValid(Reference.JsonSchema schema, JsonElement instance) => schema.Evaluate(instance, Evaluation).IsValid;

    /// <summary>
    /// Ours as the test compiles it: no regex time-out, since a thread descheduled for 250 ms on a loaded machine would
    /// turn a match into a spurious difference (every pattern the generators use is linear).
    /// </summary>
    public static JsonSchema ParseOurs(string schema) =>
        JsonSchema.Parse(schema, new JsonSchemaOptions { RegexTimeout = System.Text.RegularExpressions.Regex.InfiniteMatchTimeout });

    /// <summary>Ours on one schema and instance, through both entry points (which must agree with each other).</summary>
    public static bool OursIsValid(JsonSchema schema, JsonElement instance)
    {
        bool fast = schema.IsValid(instance);
        SchemaValidationResult full = schema.Validate(instance);
        if (fast != full.IsValid || full.IsValid != (full.Errors.Count == 0))
        {
            throw new InvalidOperationException("Patchbay's IsValid said " + fast + " but Validate said " + full.IsValid
                + " with " + full.Errors.Count + " errors: " + string.Join("; ", full.Errors));
        }

        return fast;
    }

    /// <summary>Null when both validators agree on every instance (or a known difference explains it); else the case, described.</summary>
    public static string? Compare(DiffCase diffCase, DiffStats? stats = null)
    {
        string schemaText = diffCase.Schema.ToString();
        if (stats is not null)
        {
            stats.Schemas++;
            CollectFeatures(diffCase.Schema, stats.Features, topLevel: true);
        }

        JsonSchema ours;
        try
        {
            ours = ParseOurs(schemaText);
        }
        catch (Exception ex) when (ex is JsonSchemaException or ArgumentException)
        {
            return "schema " + schemaText + "\n  Patchbay rejected this valid draft-7 schema: " + ex.Message;
        }

        Reference.JsonSchema? theirs = null;
        Exception? buildError = null;
        try
        {
            theirs = BuildReference(schemaText);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            buildError = ex;
        }

        foreach (DiffJson instance in diffCase.Instances)
        {
            string instanceText = instance.ToString();
            using JsonDocument document = JsonDocument.Parse(instanceText);
            bool oursValid;
            try
            {
                oursValid = OursIsValid(ours, document.RootElement);
            }
            catch (Exception ex)
            {
                return Describe(schemaText, instanceText) + "\n  Patchbay threw " + ex;
            }

            bool? theirsValid = null;
            Exception? error = buildError;
            if (theirs is not null)
            {
                try
                {
                    theirsValid = ReferenceIsValid(theirs, document.RootElement);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    error = ex;
                }
            }

            if (stats is not null)
            {
                stats.Comparisons++;
                if (oursValid)
                {
                    stats.Valid++;
                }
                else
                {
                    stats.Invalid++;
                }
            }

            if (theirsValid == oursValid)
            {
                continue;
            }

            KnownDifference[] known = KnownDifferences.Explain(schemaText, instanceText, oursValid, error);
            if (known.Length == 0)
            {
                return Describe(schemaText, instanceText) + "\n  Patchbay says " + (oursValid ? "valid" : "invalid") + ", JsonSchema.Net "
                    + (error is null ? "says " + (theirsValid == true ? "valid" : "invalid") : "threw " + error.GetType().Name + ": " + error.Message);
            }

            if (stats is not null)
            {
                string id = string.Join(" + ", known.Select(k => k.Id));
                stats.Excluded[id] = stats.Excluded.GetValueOrDefault(id) + 1;
            }
        }

        return null;
    }

    private static string Describe(string schema, string instance) => "schema   " + schema + "\n  instance " + instance;

    /// <summary>The keywords, formats and forms (boolean schemas, type arrays, recursive $ref, ...) a schema uses.</summary>
    internal static void CollectFeatures(DiffJson schema, HashSet<string> features, bool topLevel = false)
    {
        if (schema is DiffLiteral)
        {
            features.Add("boolean schema" + (topLevel ? " (root)" : ""));
            return;
        }

        if (schema is not DiffObject keywords)
        {
            return;
        }

        foreach (DiffMember member in keywords.Members)
        {
            string name = member.Name;
            DiffJson value = member.Value;
            features.Add(name);
            switch (name)
            {
                case "type" when value is DiffArray:
                    features.Add("type (array of types)");
                    break;
                case "items" when value is DiffArray tuple:
                    features.Add("items (array)");
                    tuple.Items.ToList().ForEach(s => CollectFeatures(s, features));
                    break;
                case "format" when value is DiffString format:
                    features.Add("format " + format.Value);
                    break;
                case "$ref" when value is DiffString reference:
                    features.Add(reference.Value == "#" ? "$ref to the root (recursive)" : "$ref to a definition");
                    if (keywords.Members.Count > 1)
                    {
                        features.Add("$ref with siblings (ignored)");
                    }

                    break;
                case "dependencies" when value is DiffObject dependencies:
                    foreach (DiffMember dependency in dependencies.Members)
                    {
                        features.Add(dependency.Value is DiffArray ? "dependencies (array)" : "dependencies (schema)");
                        if (dependency.Value is not DiffArray)
                        {
                            CollectFeatures(dependency.Value, features);
                        }
                    }

                    break;
                case "properties" or "patternProperties" or "definitions" when value is DiffObject map:
                    map.Members.ToList().ForEach(m => CollectFeatures(m.Value, features));
                    break;
                case "allOf" or "anyOf" or "oneOf" when value is DiffArray list:
                    list.Items.ToList().ForEach(s => CollectFeatures(s, features));
                    break;
                case "items" or "additionalItems" or "contains" or "additionalProperties" or "propertyNames" or "not" or "if" or "then" or "else":
                    CollectFeatures(value, features);
                    break;
            }
        }
    }
}
