using System.CommandLine;
using Patchbay.Cli.Invocation;

namespace Patchbay.Cli.Commands.Run;

/// <summary><c>patchbay run &lt;path&gt; &lt;action&gt; --inputs &lt;json&gt; --auth &lt;json&gt; [--allow-private-networks] [--assembly &lt;dll&gt;]</c>.</summary>
internal sealed class RunCommandDefinition : Command
{
    public const string CommandName = "run";

    public RunCommandDefinition()
        : base(CommandName, "Build a connector and run one action against the real service; prints the IntegrationResult.")
    {
        Invocation.AddPathArgument(this);
        Arguments.Add(ActionArgument);
        Invocation.AddOptions(this);
    }

    public InvocationOptions Invocation { get; } = new();

    public Argument<string> ActionArgument { get; } = new("action") { Description = "The action name, e.g. list_issues." };
}
