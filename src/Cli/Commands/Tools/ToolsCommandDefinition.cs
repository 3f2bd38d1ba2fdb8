using System.CommandLine;

namespace Patchbay.Cli.Commands.Tools;

/// <summary><c>patchbay tools &lt;path&gt;... --format openai|anthropic|mcp [--tags a,b]</c>.</summary>
internal sealed class ToolsCommandDefinition : Command
{
    public const string CommandName = "tools";

    public ToolsCommandDefinition()
        : base(CommandName, "Print connector actions as LLM tool definitions (reads config.json only; no build).")
    {
        FormatOption.AcceptOnlyFromAmong("openai", "anthropic", "mcp");
        Arguments.Add(PathsArgument);
        Options.Add(FormatOption);
        Options.Add(TagsOption);
    }

    public Argument<string[]> PathsArgument { get; } = new("path")
    {
        Description = "Connector folders or config.json files.",
        Arity = ArgumentArity.OneOrMore,
    };

    public Option<string> FormatOption { get; } = new("--format")
    {
        Description = "The tool format: openai, anthropic or mcp.",
        DefaultValueFactory = _ => "openai",
    };

    public Option<string?> TagsOption { get; } = new("--tags")
    {
        Description = "Only actions carrying any of these comma-separated tags.",
    };
}
