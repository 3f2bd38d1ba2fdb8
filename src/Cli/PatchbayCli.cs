using System.CommandLine;
using Patchbay.Cli.Commands.New;
using Patchbay.Cli.Commands.Poll;
using Patchbay.Cli.Commands.Run;
using Patchbay.Cli.Commands.Tools;
using Patchbay.Cli.Commands.Validate;

namespace Patchbay.Cli;

/// <summary>The <c>patchbay</c> root command: builds the command tree and runs one command line.</summary>
internal static class PatchbayCli
{
    /// <summary>The root command with every subcommand, writing to <paramref name="console"/>.</summary>
    public static RootCommand CreateRootCommand(CliConsole console) => new("patchbay: create, validate, run and describe Patchbay connectors.")
    {
        NewCommandParser.Create(console),
        ValidateCommandParser.Create(console),
        RunCommandParser.Create(console),
        PollCommandParser.Create(console),
        ToolsCommandParser.Create(console),
    };

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        RootCommand root = CreateRootCommand(console);
        // '@file.json' is how --inputs and --auth name files, not a response file.
        ParseResult parseResult = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parseResult.Errors.Count > 0)
        {
            // Usage errors get their own exit code so scripts can tell "you called it wrong" from "it failed".
            // Two missing arguments give the same message twice ("Required argument missing for command: 'run'"): print each once.
            foreach (string message in parseResult.Errors.Select(error => error.Message).Distinct(StringComparer.Ordinal))
            {
                await console.Error.WriteLineAsync($"error: {message}");
            }

            await console.Error.WriteLineAsync($"Run '{CommandName(parseResult)} --help' for usage.");
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false };
        return await parseResult.InvokeAsync(configuration, cancellationToken);
    }

    /// <summary>
    /// Wraps a command's work so user mistakes become one line on stderr and exit code 1, and nothing
    /// ever prints a stack trace.
    /// </summary>
    public static async Task<int> GuardAsync(CliConsole console, Func<Task<int>> work)
    {
        try
        {
            return await work();
        }
        catch (CliError ex)
        {
            await console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            await console.Error.WriteLineAsync("error: canceled");
            return ExitCodes.Failure;
        }
    }

    private static string CommandName(ParseResult parseResult)
    {
        var names = new List<string>();
        for (System.CommandLine.Parsing.SymbolResult? result = parseResult.CommandResult; result is not null; result = result.Parent)
        {
            if (result is System.CommandLine.Parsing.CommandResult command)
            {
                names.Insert(0, command.Command is RootCommand ? "patchbay" : command.Command.Name);
            }
        }

        return string.Join(' ', names);
    }
}
