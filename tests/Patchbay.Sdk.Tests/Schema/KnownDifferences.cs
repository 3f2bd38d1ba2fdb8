namespace Patchbay.Sdk.Tests.Schema;

/// <summary>
/// A place where JsonSchema.Net 8.0.5 answers differently from draft 7, with the smallest case that shows it, the
/// verdict draft 7 requires, and why. <see cref="Applies"/> is as narrow as the bug: a disagreement is excluded from the
/// differential comparison only when it holds.
/// </summary>
internal sealed record KnownDifference(string Id, string Schema, string Instance, bool ValidPerDraft7, string Why, Func<string, string, bool> Applies);

/// <summary>The JsonSchema.Net bugs the differential test found (see bench/RESULTS.md for the run that found them).</summary>
internal static class KnownDifferences
{
    public static readonly KnownDifference[] All =
    [
    ];

    public static KnownDifference? Explain(string schema, string instance) => All.FirstOrDefault(d => d.Applies(schema, instance));
}
