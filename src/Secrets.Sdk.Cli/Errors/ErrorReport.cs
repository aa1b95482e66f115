using Secrets.Sdk.Encryption;

namespace Secrets.Sdk.Cli;

/// <summary>Turns a failure into the CLI's one-line error and exit code.</summary>
internal static class ErrorReport
{
    /// <summary>Writes <c>secrets: error: MESSAGE</c> on one line.</summary>
    /// <param name="error">The error writer.</param>
    /// <param name="message">The message; line breaks are folded.</param>
    public static void Write(TextWriter error, string message) =>
        error.WriteLine("secrets: error: " + OneLine(message));

    /// <summary>Reports <paramref name="exception"/> and returns its exit code.</summary>
    /// <param name="error">The error writer.</param>
    /// <param name="exception">The failure.</param>
    /// <returns>The exit code.</returns>
    public static int Report(TextWriter error, Exception exception)
    {
        var (message, code) = exception switch
        {
            CliException cli => (cli.Message, cli.ExitCode),
            OperationCanceledException => ("interrupted", ExitCodes.Cancelled),
            _ => (exception.Message, ExitCodes.Failure),
        };
        Write(error, message);
        return code;
    }

    /// <summary>
    /// Rethrows envelope failures with the file they concern. The library's messages are fixed texts or name limits and
    /// key ids, never data, so they are kept.
    /// </summary>
    /// <param name="exception">The failure.</param>
    /// <param name="what">What was being read, e.g. <c>input 'a.enc'</c>.</param>
    /// <returns>The exception to throw.</returns>
    public static CliException ForEnvelope(Exception exception, string what) => exception switch
    {
        EnvelopeAuthenticationException => new CliException($"{what}: {exception.Message}", ExitCodes.Failure, exception),
        EnvelopeFormatException => new CliException($"{what} is not a readable envelope: {exception.Message}", ExitCodes.Failure, exception),
        KeyEncryptionKeyException kek => new CliException($"{what}: key-encryption key {kek.ProviderId}:{kek.KeyId} failed: {exception.Message}", ExitCodes.Failure, exception),
        _ => new CliException($"{what}: {exception.Message}", ExitCodes.Failure, exception),
    };

    private static string OneLine(string message) =>
        message.ReplaceLineEndings(" ").Trim();
}
