namespace Secrets.Sdk.Cli;

/// <summary>
/// A failure the CLI reports as one line and an exit code. Messages name the file, URI, option or secret involved and
/// never hold a secret value.
/// </summary>
internal sealed class CliException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="CliException"/> class.</summary>
    /// <param name="message">One line naming what failed and where.</param>
    /// <param name="exitCode">The process exit code.</param>
    /// <param name="innerException">The cause, if any.</param>
    public CliException(string message, int exitCode = ExitCodes.Failure, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    /// <summary>Gets the process exit code.</summary>
    public int ExitCode { get; }
}
