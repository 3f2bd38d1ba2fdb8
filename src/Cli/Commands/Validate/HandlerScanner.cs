using System.Text.RegularExpressions;

namespace Patchbay.Cli.Commands.Validate;

/// <summary>A handler class found in source: the attribute kind, the name it registers and where it is.</summary>
internal sealed record HandlerDeclaration(string Kind, string Name, string ClassName, string File);

/// <summary>
/// Finds <c>[Action("x")]</c> and <c>[PollingTrigger("x")]</c> handlers by reading a connector's C# sources,
/// so validation needs no build. Comments are skipped so doc examples do not count.
/// </summary>
internal static partial class HandlerScanner
{
    public const string Action = "Action";
    public const string PollingTrigger = "PollingTrigger";

    public static IReadOnlyList<HandlerDeclaration> Scan(string folder)
    {
        var found = new List<HandlerDeclaration>();
        foreach (string file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(folder, file);
            string first = relative.Split(Path.DirectorySeparatorChar)[0];
            if (first is "bin" or "obj") continue;

            string source = StripComments(File.ReadAllText(file));
            foreach (Match match in HandlerAttributePattern().Matches(source))
            {
                found.Add(new HandlerDeclaration(match.Groups["kind"].Value, Regex.Unescape(match.Groups["name"].Value), match.Groups["class"].Value, relative.Replace('\\', '/')));
            }
        }

        return found;
    }

    private static string StripComments(string source)
    {
        string withoutBlocks = BlockCommentPattern().Replace(source, " ");
        return LineCommentPattern().Replace(withoutBlocks, string.Empty);
    }

    // [Action("name")] or [Patchbay.Sdk.ActionAttribute("name")], possibly next to other attributes,
    // then modifiers and the class name.
    [GeneratedRegex("""\[\s*(?:[\w.]+\s*,\s*)?(?:global::)?(?:Patchbay\.Sdk\.)?(?<kind>Action|PollingTrigger)(?:Attribute)?\s*\(\s*"(?<name>(?:[^"\\]|\\.)*)"\s*\)[^\]]*\]\s*(?:\[[^\]]*\]\s*)*(?:(?:public|internal|sealed|partial|abstract|file)\s+)*(?:class|record)\s+(?<class>\w+)""")]
    private static partial Regex HandlerAttributePattern();

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex BlockCommentPattern();

    [GeneratedRegex(@"^\s*//.*$", RegexOptions.Multiline)]
    private static partial Regex LineCommentPattern();
}
