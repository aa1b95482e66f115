using System.CommandLine;
using Secrets.Sdk.Encryption;

namespace Secrets.Sdk.Cli;

/// <summary>
/// <c>secrets encrypt</c> and <c>secrets decrypt</c>: streaming envelope encryption in constant memory, files or
/// standard streams, a progress bar on a terminal for large inputs.
/// </summary>
internal static class EnvelopeCommands
{
    /// <summary>Creates <c>encrypt</c>.</summary>
    /// <param name="console">The console.</param>
    /// <param name="backends">How KEK URIs are opened.</param>
    /// <returns>The command.</returns>
    public static Command CreateEncrypt(CliConsole console, CliBackends backends) =>
        Create(console, backends, "encrypt", "Encrypt a file (or standard input) into an envelope under one or more KEKs.", "The envelope to write; - for standard output.", decrypt: false);

    /// <summary>Creates <c>decrypt</c>.</summary>
    /// <param name="console">The console.</param>
    /// <param name="backends">How KEK URIs are opened.</param>
    /// <returns>The command.</returns>
    public static Command CreateDecrypt(CliConsole console, CliBackends backends) =>
        Create(console, backends, "decrypt", "Decrypt an envelope with any one of the KEKs that wrapped it.", "The plaintext to write (a file is created with mode 0600 and appears only if the whole envelope verified); - for standard output.", decrypt: true);

    private static Command Create(CliConsole console, CliBackends backends, string name, string description, string outDescription, bool decrypt)
    {
        var kek = CliOptions.Kek();
        var context = CliOptions.Context();
        var input = CliOptions.In();
        var output = CliOptions.Out(outDescription);
        var command = new Command(name, description) { kek, context, input, output };
        command.SetAction((parse, cancellationToken) => RunAsync(
            console,
            backends,
            new Request(parse.GetValue(kek)!, CliOptions.ParseContext(parse.GetValue(context)), parse.GetValue(input)!, parse.GetValue(output)!, decrypt),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, CliBackends backends, Request request, CancellationToken cancellationToken)
    {
        using var keys = KeyEncryptionKeySet.Resolve(request.Keks, backends);
        using var encryptor = new EnvelopeEncryptor(keys);
        var input = CliFiles.OpenInput(request.In, console);
        await using (input.ConfigureAwait(false))
        {
            var output = CliFiles.CreateOutput(request.Out, console, ownerOnly: request.Decrypt);
            await using (output.ConfigureAwait(false))
            {
                var verb = request.Decrypt ? "decrypt" : "encrypt";
                try
                {
                    await TransferProgress.RunAsync(console, $"{verb} {InputName(request.In)}", input, source => request.Decrypt
                        ? encryptor.DecryptAsync(source, output.Stream, request.Context, cancellationToken)
                        : encryptor.EncryptAsync(source, output.Stream, request.Context, cancellationToken)).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is EnvelopeException or KeyEncryptionKeyException)
                {
                    throw ErrorReport.ForEnvelope(exception, $"input '{request.In}'");
                }
                catch (IOException exception)
                {
                    throw new CliException($"{verb} '{request.In}' to '{output.Name}' failed: {exception.Message}", ExitCodes.Failure, exception);
                }
                catch (Exception exception) when (KeyEncryptionKeySet.IsBackendFailure(exception))
                {
                    // Encryption wraps with the first KEK only; decryption may have tried any of them.
                    throw KeyEncryptionKeySet.BackendFailure(exception, $"{verb} '{request.In}'", request.Decrypt ? request.Keks : request.Keks[..1]);
                }

                await output.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return ExitCodes.Success;
    }

    private static string InputName(string path) => path == CliFiles.StandardStream ? "standard input" : path;

    private sealed record Request(string[] Keks, Dictionary<string, string> Context, string In, string Out, bool Decrypt);
}
