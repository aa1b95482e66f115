using System.CommandLine;
using Secrets.Sdk.Encryption;

namespace Secrets.Sdk.Cli;

/// <summary>
/// <c>secrets rewrap --kek URI --to URI</c>: the data key is unwrapped with the old KEK and wrapped with the new one; only
/// the header is rewritten and the body is copied byte for byte (docs/envelope-format.md, "Rewrap").
/// </summary>
internal static class RewrapCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="console">The console.</param>
    /// <param name="backends">How KEK URIs are opened.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliConsole console, CliBackends backends)
    {
        var kek = CliOptions.Kek();
        kek.Description = "A KEK URI that can unwrap the envelope's data key today; repeat to try several.";
        var to = new Option<string>("--to")
        {
            Description = "The KEK URI that will wrap the data key from now on (the only one in the result).",
            Required = true,
            HelpName = "URI",
        };
        var input = CliOptions.In();
        var output = CliOptions.Out("The rewrapped envelope; - for standard output.");
        var command = new Command("rewrap", "Move an envelope to another KEK: a new header, the body untouched (decrypt and encrypt again to retire a compromised key).")
        {
            kek, to, input, output,
        };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(console, backends, parse.GetValue(kek)!, parse.GetValue(to)!, parse.GetValue(input)!, parse.GetValue(output)!, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, CliBackends backends, string[] keks, string to, string inputPath, string outputPath, CancellationToken cancellationToken)
    {
        using var oldKeys = KeyEncryptionKeySet.Resolve(keks, backends);
        using var newKeys = KeyEncryptionKeySet.Resolve([to], backends);
        var options = new EnvelopeEncryptorOptions();
        using var encryptor = new EnvelopeEncryptor(oldKeys, options);
        var input = CliFiles.OpenInput(inputPath, console);
        await using (input.ConfigureAwait(false))
        {
            var output = CliFiles.CreateOutput(outputPath, console, ownerOnly: false);
            await using (output.ConfigureAwait(false))
            {
                // The header is at most MaxHeaderBytes long, so a prefix that long holds it. RewrapAsync returns the new
                // header followed by the prefix's body bytes unchanged; the rest of the body is copied after it. Memory
                // stays at one prefix whatever the size of the envelope.
                var prefix = new byte[options.DecryptPolicy.MaxHeaderBytes];
                var length = await input.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                byte[] rewrapped;
                try
                {
                    rewrapped = await encryptor.RewrapAsync(prefix.AsMemory(0, length), newKeys.Primary, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is EnvelopeException or KeyEncryptionKeyException)
                {
                    throw ErrorReport.ForEnvelope(exception, $"input '{inputPath}'");
                }
                catch (Exception exception) when (KeyEncryptionKeySet.IsBackendFailure(exception))
                {
                    throw KeyEncryptionKeySet.BackendFailure(exception, $"rewrap '{inputPath}'", [.. keks, to]);
                }

                try
                {
                    await output.Stream.WriteAsync(rewrapped, cancellationToken).ConfigureAwait(false);
                    await input.CopyToAsync(output.Stream, CliFiles.BufferSize, cancellationToken).ConfigureAwait(false);
                }
                catch (IOException exception)
                {
                    throw new CliException($"rewrap '{inputPath}' to '{output.Name}' failed: {exception.Message}", ExitCodes.Failure, exception);
                }

                await output.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return ExitCodes.Success;
    }
}
