namespace Secrets.Sdk.Cli;

/// <summary>The CLI's exit codes (docs/cli.md, "Exit codes").</summary>
internal static class ExitCodes
{
    /// <summary>Success; for <c>doctor</c>, every source is usable.</summary>
    public const int Success = 0;

    /// <summary>The operation failed (bad key, tampered input, unreachable backend); for <c>doctor</c>, a source is not usable.</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong (unknown verb, missing or malformed option).</summary>
    public const int Usage = 2;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
