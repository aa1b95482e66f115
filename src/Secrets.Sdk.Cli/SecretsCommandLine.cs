using System.CommandLine;

namespace Secrets.Sdk.Cli;

/// <summary>The <c>secrets</c> root command: builds every verb over a <see cref="CliConsole"/> and runs it.</summary>
internal static class SecretsCommandLine
{
    /// <summary>Creates the root command.</summary>
    /// <param name="console">Where the verbs read and write.</param>
    /// <param name="time">The clock (<c>list</c> and <c>doctor</c>); <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="backends">How backends are reached; <see cref="CliBackends.Default"/> by default.</param>
    /// <returns>The root command.</returns>
    public static RootCommand Create(CliConsole console, TimeProvider? time = null, CliBackends? backends = null) => new("Secrets.Sdk command-line tool: local keys, envelope encryption, and checks of the sources declared in appsettings.json.")
    {
        KeygenCommand.Create(console),
        EnvelopeCommands.CreateEncrypt(console, backends ?? CliBackends.Default),
        EnvelopeCommands.CreateDecrypt(console, backends ?? CliBackends.Default),
        RewrapCommand.Create(console, backends ?? CliBackends.Default),
        ListCommand.Create(console, time ?? TimeProvider.System, backends ?? CliBackends.Default),
        DoctorCommand.Create(console, time ?? TimeProvider.System, backends ?? CliBackends.Default),
    };

    /// <summary>
    /// Parses and runs a command line. Parse errors and failures are one line on the error writer (naming the file, URI,
    /// option or secret, never a value) with a non-zero exit code.
    /// </summary>
    /// <param name="args">The arguments.</param>
    /// <param name="console">Where the verbs read and write.</param>
    /// <param name="handleTermination">Whether Ctrl+C cancels the running verb (the process); tests pass <see langword="false"/>.</param>
    /// <param name="backends">How backends are reached; <see cref="CliBackends.Default"/> by default.</param>
    /// <param name="cancellationToken">Cancels the verb.</param>
    /// <returns>The exit code (see <see cref="ExitCodes"/>).</returns>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, bool handleTermination = true, CliBackends? backends = null, CancellationToken cancellationToken = default)
    {
        var parse = Create(console, backends: backends).Parse(args);
        if (parse.Errors.Count > 0)
        {
            var verb = parse.CommandResult.Command is RootCommand ? "secrets" : "secrets " + parse.CommandResult.Command.Name;
            ErrorReport.Write(console.Error, $"{parse.Errors[0].Message} (see '{verb} --help')");
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
        };
        if (!handleTermination)
        {
            configuration.ProcessTerminationTimeout = null;
        }

        try
        {
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            return ErrorReport.Report(console.Error, exception);
        }
    }
}
