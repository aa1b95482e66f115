using System.Buffers.Text;
using System.CommandLine;
using System.Security.Cryptography;

namespace Secrets.Sdk.Cli;

/// <summary><c>secrets keygen --out FILE</c>: a new 256-bit local KEK, base64, in a file created with mode 0600.</summary>
internal static class KeygenCommand
{
    /// <summary>The key size: 256 bits.</summary>
    public const int KeySize = 32;

    /// <summary>Creates the command.</summary>
    /// <param name="console">The console.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliConsole console)
    {
        var output = CliOptions.Out("The key file to create (mode 0600); an existing file is never overwritten.");
        var command = new Command("keygen", "Create a new 256-bit local key-encryption key file, for --kek local:FILE.") { output };
        command.SetAction((parse, cancellationToken) => RunAsync(console, parse.GetValue(output)!, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string path, CancellationToken cancellationToken)
    {
        if (path == CliFiles.StandardStream)
        {
            throw new CliException("keygen writes a key file only: --out - is not allowed", ExitCodes.Usage);
        }

        var key = RandomNumberGenerator.GetBytes(KeySize);
        var text = new byte[Base64.GetMaxEncodedToUtf8Length(KeySize) + 1];
        try
        {
            Base64.EncodeToUtf8(key, text, out _, out var written); // No string: the key's text is zeroed below.
            text[written++] = (byte)'\n';
            FileStream stream;
            try
            {
                stream = CliFiles.CreateOwnerOnly(path, overwrite: false);
            }
            catch (IOException exception) when (File.Exists(path) || Directory.Exists(path))
            {
                throw new CliException($"key file '{path}' already exists; keygen never overwrites a key", ExitCodes.Failure, exception);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"key file '{path}' cannot be created: {CliFiles.Describe(exception)}", ExitCodes.Failure, exception);
            }

            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(text.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(text);
        }

        await console.Error.WriteLineAsync($"Wrote a new 256-bit key to '{path}' (mode 0600). Use it as --kek local:{path}").ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
