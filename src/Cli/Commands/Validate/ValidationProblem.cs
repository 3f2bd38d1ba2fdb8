using System.Text.Json.Serialization;

namespace Patchbay.Cli.Commands.Validate;

/// <summary>One problem <c>patchbay validate</c> found.</summary>
/// <param name="Path">The file or folder, as the user named it.</param>
/// <param name="Pointer">A JSON Pointer into the file (<c>/</c> for the whole file or folder).</param>
/// <param name="Severity"><c>error</c> or <c>warning</c>.</param>
/// <param name="Message">What is wrong and what to do.</param>
internal sealed record ValidationProblem(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("pointer")] string Pointer,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("message")] string Message)
{
    public const string Error = "error";
    public const string Warning = "warning";

    [JsonIgnore]
    public bool IsError => Severity == Error;

    public override string ToString() => $"{Severity}: {Path}: {Pointer}: {Message}";
}
