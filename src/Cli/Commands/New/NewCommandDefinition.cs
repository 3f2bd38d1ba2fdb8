using System.CommandLine;

namespace Patchbay.Cli.Commands.New;

/// <summary><c>patchbay new &lt;name&gt; [--auth none|custom|platform] [--output &lt;dir&gt;]</c>.</summary>
internal sealed class NewCommandDefinition : Command
{
    public const string CommandName = "new";

    public NewCommandDefinition()
        : base(CommandName, "Create a connector (src/Connectors/<name>) and its test project (tests/Connectors/<name>) with a sample action and a passing test, and add both to Patchbay.slnx.")
    {
        NameArgument.Validators.Add(result =>
        {
            string? name = result.GetValueOrDefault<string>();
            if (name is not null && !NewCommand.IsValidName(name))
            {
                result.AddError($"'{name}' is not a connector name: use lowercase letters, digits and single hyphens, starting with a letter (e.g. my-connector)");
            }
        });
        AuthOption.AcceptOnlyFromAmong(NewCommand.AuthNone, NewCommand.AuthCustom, NewCommand.AuthPlatform);
        Arguments.Add(NameArgument);
        Options.Add(AuthOption);
        Options.Add(OutputOption);
    }

    public Argument<string> NameArgument { get; } = new("name")
    {
        Description = "The connector name, lowercase-with-hyphens (e.g. my-connector).",
    };

    public Option<string> AuthOption { get; } = new("--auth")
    {
        Description = "How the connector authenticates: none, custom (an API key the user enters) or platform (OAuth the platform runs).",
        DefaultValueFactory = _ => NewCommand.AuthCustom,
    };

    public Option<string?> OutputOption { get; } = new("--output", "-o")
    {
        Description = "The repository root to create the connector in; default: the nearest folder above the current one holding Patchbay.slnx.",
    };
}
