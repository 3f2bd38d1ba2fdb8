using Patchbay.Cli;

return await PatchbayCli.RunAsync(args, new CliConsole(Console.Out, Console.Error, Environment.CurrentDirectory));
