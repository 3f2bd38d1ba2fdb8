using System.CommandLine;
using Patchbay.Cli.Invocation;

namespace Patchbay.Cli.Commands.Poll;

/// <summary><c>patchbay poll &lt;path&gt; &lt;trigger&gt; --inputs &lt;json&gt; --auth &lt;json&gt; [--last-poll-ts &lt;iso&gt;]</c>.</summary>
internal sealed class PollCommandDefinition : Command
{
    public const string CommandName = "poll";

    public PollCommandDefinition()
        : base(CommandName, "Build a connector and poll one polling trigger once; prints the records as JSON.")
    {
        Invocation.AddPathArgument(this);
        Arguments.Add(TriggerArgument);
        Invocation.AddOptions(this);
        Options.Add(LastPollTsOption);
    }

    public InvocationOptions Invocation { get; } = new();

    public Argument<string> TriggerArgument { get; } = new("trigger") { Description = "The polling trigger name, e.g. new_issues." };

    public Option<DateTimeOffset?> LastPollTsOption { get; } = new("--last-poll-ts")
    {
        Description = "When the previous poll ran (ISO 8601, e.g. 2026-01-31T12:00:00Z); leave out for a first poll.",
    };
}
