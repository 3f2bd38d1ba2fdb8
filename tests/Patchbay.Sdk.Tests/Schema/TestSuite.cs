using System.Text.Json;
using Patchbay.Sdk.Schema;

namespace Patchbay.Sdk.Tests.Schema;

/// <summary>Locates the official JSON-Schema-Test-Suite next to the repository and loads its cases.</summary>
internal static class TestSuite
{
    private static readonly Lazy<string> RootPath = new(FindRoot);
    private static readonly Lazy<JsonSchemaOptions> Remotes = new(LoadRemotes);

    public static string Root => RootPath.Value;

    public static string Draft7 => Path.Combine(Root, "tests", "draft7");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (string candidate in new[] { Path.Combine(dir.FullName, "shared", "json-schema-test-suite"), Path.Combine(dir.FullName, "..", "shared", "json-schema-test-suite") })
            {
                if (Directory.Exists(Path.Combine(candidate, "tests", "draft7")))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        throw new DirectoryNotFoundException("shared/json-schema-test-suite not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Every file under remotes/, served as http://localhost:1234/...</summary>
    public static JsonSchemaOptions CreateOptions()
    {
        var options = new JsonSchemaOptions();
        foreach (KeyValuePair<string, string> remote in Remotes.Value.RemoteDocuments)
        {
            options.RemoteDocuments[remote.Key] = remote.Value;
        }

        return options;
    }

    private static JsonSchemaOptions LoadRemotes()
    {
        var options = new JsonSchemaOptions();
        string remotes = Path.Combine(Root, "remotes");
        foreach (string file in Directory.EnumerateFiles(remotes, "*.json", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(remotes, file).Replace('\\', '/');
            options.RemoteDocuments["http://localhost:1234/" + relative] = File.ReadAllText(file);
        }

        return options;
    }

    /// <summary>One row per test: file (relative to tests/draft7), group index, test index.</summary>
    public static TheoryData<string, int, int> Cases(params string[] relativeFiles)
    {
        var data = new TheoryData<string, int, int>();
        foreach (string relative in relativeFiles)
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Draft7, relative)));
            int group = 0;
            foreach (JsonElement g in document.RootElement.EnumerateArray())
            {
                for (int test = 0; test < g.GetProperty("tests").GetArrayLength(); test++)
                {
                    data.Add(relative, group, test);
                }

                group++;
            }
        }

        return data;
    }

    public static string[] Files(string pattern, string directory = "") =>
        [.. Directory.EnumerateFiles(Path.Combine(Draft7, directory), pattern)
            .Select(f => Path.GetRelativePath(Draft7, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];

    public static void Run(string file, int group, int test)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Draft7, file)));
        JsonElement g = document.RootElement[group];
        JsonElement t = g.GetProperty("tests")[test];
        JsonSchema schema = JsonSchema.Parse(g.GetProperty("schema"), CreateOptions());
        bool expected = t.GetProperty("valid").GetBoolean();
        JsonElement data = t.GetProperty("data");

        bool fast = schema.IsValid(data);
        SchemaValidationResult full = schema.Validate(data);
        string label = g.GetProperty("description").GetString() + " / " + t.GetProperty("description").GetString();
        Assert.True(expected == fast, label + ": expected " + (expected ? "valid" : "invalid") + ", IsValid said " + fast);
        Assert.True(expected == full.IsValid, label + ": Validate disagrees: " + string.Join("; ", full.Errors));
        Assert.Equal(full.IsValid, full.Errors.Count == 0);
    }
}
