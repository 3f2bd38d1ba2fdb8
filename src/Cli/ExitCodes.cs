namespace Patchbay.Cli;

/// <summary>The process exit codes every command uses.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command ran and failed: invalid connector, failed action, build error, missing file.</summary>
    public const int Failure = 1;

    /// <summary>The command line itself is wrong: unknown option, missing argument, a value the parser rejects.</summary>
    public const int Usage = 2;
}
