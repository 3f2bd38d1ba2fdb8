using System.Reflection;
using System.Text.Json;

namespace Patchbay.FunctionApp.Tests;

/// <summary>The isolated worker's build output (the project reference builds it first) and its functions.metadata.</summary>
internal static class FunctionAppOutput
{
    public static string Directory { get; } = Metadata("FunctionAppOutput");

    public static string ProjectDirectory { get; } = Metadata("FunctionAppProject");

    public static string PathOf(string file)
    {
        string path = Path.Combine(Directory, file);
        Assert.True(File.Exists(path), $"{file} is not in the worker's build output {Directory}; build src/FunctionApp first.");
        return path;
    }

    public static JsonElement ReadJson(string file)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(PathOf(file)));
        return document.RootElement.Clone();
    }

    /// <summary>Every function in functions.metadata, as the Functions host and Core Tools read it.</summary>
    public static IReadOnlyList<FunctionEntry> Functions() =>
        [.. ReadJson("functions.metadata").EnumerateArray().Select(FunctionEntry.From)];

    private static string Metadata(string key) =>
        typeof(FunctionAppOutput).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}

/// <summary>One function of functions.metadata: its trigger binding and, for HTTP, the output binding.</summary>
internal sealed record FunctionEntry(string Name, string EntryPoint, string ScriptFile, string Language, JsonElement Trigger, IReadOnlyList<JsonElement> Outputs)
{
    public string TriggerType => Trigger.GetProperty("type").GetString()!;

    public bool IsHttp => TriggerType == "httpTrigger";

    public string Route => Trigger.GetProperty("route").GetString()!;

    public IReadOnlyList<string> Methods => [.. Trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).Order(StringComparer.Ordinal)];

    public string AuthLevel => Trigger.GetProperty("authLevel").GetString()!;

    public static FunctionEntry From(JsonElement function)
    {
        JsonElement[] bindings = [.. function.GetProperty("bindings").EnumerateArray()];
        JsonElement trigger = Assert.Single(bindings, b => b.GetProperty("direction").GetString() == "In");
        return new FunctionEntry(
            function.GetProperty("name").GetString()!,
            function.GetProperty("entryPoint").GetString()!,
            function.GetProperty("scriptFile").GetString()!,
            function.GetProperty("language").GetString()!,
            trigger,
            [.. bindings.Where(b => b.GetProperty("direction").GetString() == "Out")]);
    }
}
