using Secrets.Sdk.Encryption;

namespace Secrets.Sdk.Cli;

/// <summary>
/// The KEKs named by <c>--kek</c>/<c>--to</c> URIs, in order (the first wraps, all unwrap), disposed together.
/// </summary>
internal sealed class KeyEncryptionKeySet : IDisposable
{
    private const string LocalScheme = "local:";

    private KeyEncryptionKeySet(IReadOnlyList<IKeyEncryptionKey> keys)
    {
        Keys = keys;
    }

    /// <summary>Gets the keys in the order their URIs were given.</summary>
    public IReadOnlyList<IKeyEncryptionKey> Keys { get; }

    /// <summary>Resolves KEK URIs.</summary>
    /// <param name="uris">The URIs, at least one.</param>
    /// <returns>The keys.</returns>
    /// <exception cref="CliException">A URI is malformed, unsupported, or its key cannot be loaded (the message names the URI).</exception>
    public static KeyEncryptionKeySet Resolve(IReadOnlyList<string> uris)
    {
        var keys = new List<IKeyEncryptionKey>(uris.Count);
        try
        {
            foreach (var uri in uris)
            {
                keys.Add(ResolveOne(uri));
            }

            return new KeyEncryptionKeySet(keys);
        }
        catch
        {
            DisposeAll(keys);
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => DisposeAll(Keys);

    private static IKeyEncryptionKey ResolveOne(string uri)
    {
        if (!uri.StartsWith(LocalScheme, StringComparison.Ordinal) || uri.Length == LocalScheme.Length)
        {
            throw new CliException($"KEK URI '{uri}' is not supported: use local:PATH (a key file from 'secrets keygen').", ExitCodes.Usage);
        }

        var path = uri[LocalScheme.Length..];
        try
        {
            // The key id is the file's name, so a message names the key file that can open it.
            return LocalKeyEncryptionKey.FromFile(path, Path.GetFileName(path));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            throw new CliException($"KEK '{uri}' could not be loaded: {Describe(exception)}", ExitCodes.Failure, exception);
        }
    }

    private static string Describe(Exception exception) => exception switch
    {
        FileNotFoundException or DirectoryNotFoundException => "the key file does not exist",
        UnauthorizedAccessException => "permission denied",
        _ => exception.Message,
    };

    private static void DisposeAll(IEnumerable<IKeyEncryptionKey> keys)
    {
        foreach (var key in keys)
        {
            (key as IDisposable)?.Dispose();
        }
    }
}
