using System.CommandLine;

namespace Patchbay.Cli.Invocation;

/// <summary>The options <c>run</c> and <c>poll</c> share: what to call it with and how to load the connector.</summary>
internal sealed class InvocationOptions
{
    public Argument<string> PathArgument { get; } = new("path")
    {
        Description = "The connector folder (with its .csproj); it is built with 'dotnet build' first.",
    };

    public Option<string> InputsOption { get; } = new("--inputs")
    {
        Description = "Inputs as JSON text or @file.json.",
        DefaultValueFactory = _ => "{}",
    };

    /// <summary>A secret: never echoed, and its values are redacted from everything the command prints.</summary>
    public Option<string?> AuthOption { get; } = new("--auth")
    {
        Description = "Credentials as JSON text or @file.json: flat ({\"api_key\": \"...\"}) or the envelope {\"auth_type\", \"credentials\"}. Secret: never printed.",
    };

    public Option<bool> AllowPrivateNetworksOption { get; } = new("--allow-private-networks")
    {
        Description = "Let the connector reach loopback and private addresses (a local test server). Link-local addresses stay blocked.",
    };

    public Option<string?> AssemblyOption { get; } = new("--assembly")
    {
        Description = "Load this built connector assembly instead of building the folder.",
    };

    public void AddPathArgument(Command command)
    {
        command.Arguments.Add(PathArgument);
    }

    public void AddOptions(Command command)
    {
        command.Options.Add(InputsOption);
        command.Options.Add(AuthOption);
        command.Options.Add(AllowPrivateNetworksOption);
        command.Options.Add(AssemblyOption);
    }
}
