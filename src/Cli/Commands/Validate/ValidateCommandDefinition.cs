using System.CommandLine;

namespace Patchbay.Cli.Commands.Validate;

/// <summary><c>patchbay validate &lt;path&gt;... [--json]</c>: the command's arguments and options.</summary>
internal sealed class ValidateCommandDefinition : Command
{
    public const string CommandName = "validate";

    public ValidateCommandDefinition()
        : base(CommandName, "Check connector folders or config.json files: the manifest, README.md, the folder name, and that handlers match actions and triggers (no build needed).")
    {
        Arguments.Add(PathsArgument);
        Options.Add(JsonOption);
    }

    public Argument<string[]> PathsArgument { get; } = new("path")
    {
        Description = "Connector folders (src/Connectors/<name>) or config.json files; other files (e.g. from src/Connectors/*) are skipped with a note.",
        Arity = ArgumentArity.OneOrMore,
    };

    public Option<bool> JsonOption { get; } = new("--json")
    {
        Description = "Print the problems as a JSON array of {path, pointer, severity, message}.",
    };
}
