using System.Globalization;
using System.Text.Json;
using CsCheck;
using Patchbay.Sdk.Schema;
using Xunit.Abstractions;

namespace Patchbay.Sdk.Tests.Schema;

/// <summary>
/// Property-based differential test: random draft-7 schemas over every keyword, with instances near their boundaries,
/// validated by Patchbay's validator and by JsonSchema.Net 8.0.5 (the reference). Both must agree on validity, except
/// where a <see cref="KnownDifferences"/> entry records a JsonSchema.Net bug.
/// </summary>
/// <remarks>
/// CI runs <see cref="DefaultIterations"/> schemas from <see cref="DefaultSeed"/>: the same cases every run. A longer run:
/// <c>PATCHBAY_DIFF_ITERATIONS=200000 PATCHBAY_DIFF_SEED=7 dotnet test ... --filter JsonSchemaDifferentialTests</c>
/// (bench/RESULTS.md). A failure prints each case's CsCheck seed; <c>PATCHBAY_DIFF_CASE=&lt;seed&gt;</c> replays one.
/// </remarks>
public class JsonSchemaDifferentialTests(ITestOutputHelper output)
{
    /// <summary>Schemas per CI run (each with <see cref="InstancesPerSchema"/> instances).</summary>
    public const int DefaultIterations = 1500;

    public const ulong DefaultSeed = 20261124;

    public const int InstancesPerSchema = 8;

    private const uint Stream = 7;

    /// <summary>What the generators must reach in a run of the default size: every draft-7 keyword and form the issue names.</summary>
    private static readonly string[] RequiredFeatures =
    [
        "type", "type (array of types)", "enum", "const", "multipleOf", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "minLength", "maxLength", "pattern", "items", "items (array)", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains",
        "properties", "patternProperties", "additionalProperties", "required", "minProperties", "maxProperties", "propertyNames",
        "dependencies", "dependencies (array)", "dependencies (schema)", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
        "$ref", "$ref to a definition", "$ref to the root (recursive)", "$ref with siblings (ignored)", "definitions",
        "boolean schema", "boolean schema (root)", "format",
        .. DiffPools.Formats.Select(f => "format " + f),
    ];

    [Fact]
    public void Both_validators_agree_on_generated_schemas_and_instances()
    {
        Gen<DiffCase> cases = DraftSevenGen.Cases(InstancesPerSchema);
        string? replay = Environment.GetEnvironmentVariable("PATCHBAY_DIFF_CASE");
        if (!string.IsNullOrEmpty(replay))
        {
            DiffCase single = cases.Generate(PCG.Parse(replay), null, out _);
            output.WriteLine("schema: " + single.Schema);
            output.WriteLine("instances:\n  " + string.Join("\n  ", single.Instances.Select(i => i.ToString())));
            Assert.Null(DiffRunner.Compare(single));
            return;
        }

        int iterations = Setting("PATCHBAY_DIFF_ITERATIONS", DefaultIterations);
        ulong seed = (ulong)Setting("PATCHBAY_DIFF_SEED", (long)DefaultSeed);
        var stats = new DiffStats();
        var failures = new List<(string Seed, string Description)>();
        for (int i = 0; i < iterations && failures.Count < 10; i++)
        {
            var pcg = new PCG(Stream, Mix(Mix(seed) + (ulong)i)); // Mix(seed): different seeds are far apart, not shifted copies
            string caseSeed = pcg.ToString();
            DiffCase diffCase = cases.Generate(pcg, null, out _);
            string? disagreement = DiffRunner.Compare(diffCase, stats);
            if (disagreement is not null)
            {
                failures.Add((caseSeed, disagreement));
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"seed {seed}: {stats.Schemas} schemas, {stats.Comparisons} instances compared ({stats.Valid} valid, {stats.Invalid} invalid), "
            + $"{failures.Count} disagreements"));
        foreach (KeyValuePair<string, int> excluded in stats.Excluded.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            output.WriteLine("  excluded as known JsonSchema.Net difference " + excluded.Key + ": " + excluded.Value);
        }

        if (failures.Count > 0)
        {
            Assert.Fail(failures.Count + " disagreement(s) between Patchbay and JsonSchema.Net; each is a bug in one of them: fix ours, or "
                + "record theirs in KnownDifferences with the draft-7 reason.\n\n"
                + string.Join("\n\n", failures.Select(f => "PATCHBAY_DIFF_CASE=" + f.Seed + "\n  " + f.Description))
                + "\n\nSmallest case CsCheck found from the first: " + Shrink(cases, failures[0].Seed));
        }

        if (iterations >= DefaultIterations)
        {
            string[] missing = [.. RequiredFeatures.Where(f => !stats.Features.Contains(f))];
            Assert.True(missing.Length == 0, "the generators never produced: " + string.Join(", ", missing));
            Assert.InRange(stats.Valid, stats.Comparisons / 5, stats.Comparisons * 4 / 5); // boundary instances land on both sides
            Assert.All(DiffPools.Formats, format => Assert.IsNotType<KnownDifferences.CorrectedFormat>(Json.Schema.FormatRegistry.Global.Get(format)));
        }
    }

    private static string Shrink(Gen<DiffCase> cases, string seed)
    {
        try
        {
            cases.Sample(c =>
            {
                if (DiffRunner.Compare(c) is { } disagreement)
                {
                    throw new InvalidOperationException(disagreement);
                }
            }, seed: seed, iter: 20_000, threads: 1, print: c => c.Schema.ToString());
            return "(none smaller)";
        }
        catch (CsCheckException ex)
        {
            return ex.Message + "\n  " + ex.InnerException?.Message;
        }
    }

    /// <summary>SplitMix64: well-spread PCG seeds from consecutive case numbers.</summary>
    private static ulong Mix(ulong value)
    {
        value += 0x9E3779B97F4A7C15;
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EB;
        return value ^ (value >> 31);
    }

    private static int Setting(string name, int fallback) => (int)Setting(name, (long)fallback);

    private static long Setting(string name, long fallback)
    {
        string? text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) && value >= 0
            ? value
            : throw new ArgumentException(name + " must be a non-negative whole number, not '" + text + "'");
    }

    public static TheoryData<string> KnownDifferenceIds => [.. KnownDifferences.All.Select(d => d.Id)];

    /// <summary>
    /// Each recorded JsonSchema.Net difference still happens (else remove it: the exclusion would hide a real
    /// disagreement), Patchbay gives the draft-7 verdict, and the entry's filter recognises its own minimal case.
    /// </summary>
    [Theory]
    [MemberData(nameof(KnownDifferenceIds))]
    public void Known_JsonSchemaNet_difference_still_holds_and_Patchbay_follows_draft7(string id)
    {
        KnownDifference difference = KnownDifferences.All.Single(d => d.Id == id);
        using JsonDocument instance = JsonDocument.Parse(difference.Instance);
        Assert.Equal(difference.ValidPerDraft7, DiffRunner.OursIsValid(JsonSchema.Parse(difference.Schema), instance.RootElement)); // default options
        bool? theirs = null;
        Exception? error = null;
        try
        {
            theirs = DiffRunner.ReferenceIsValid(DiffRunner.BuildReference(difference.Schema), instance.RootElement);
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            error = ex;
        }

        Assert.NotEqual(difference.ValidPerDraft7, theirs);
        Assert.Contains(difference, KnownDifferences.Explain(difference.Schema, difference.Instance, difference.ValidPerDraft7, error));
        Assert.All(DiffPools.Formats, format => Assert.IsNotType<KnownDifferences.CorrectedFormat>(Json.Schema.FormatRegistry.Global.Get(format)));
    }
}
