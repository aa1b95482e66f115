using Secrets.Sdk.Encryption;

namespace Secrets.Sdk.Cli;

/// <summary>
/// Opens the KEK URIs of <c>--kek</c>/<c>--to</c> with the library's <see cref="KeyEncryptionKeyResolver"/>, every scheme
/// registered: <c>local:PATH</c>, <c>vault-transit:MOUNT/KEY</c>, <c>aws-kms:ARN</c>, <c>azure-kv:https://VAULT/keys/NAME</c>,
/// <c>gcp-kms:projects/.../cryptoKeys/NAME</c>, each with its vendor's usual credentials (VAULT_ADDR/VAULT_TOKEN, the AWS,
/// Azure and Google default chains). Several URIs form a key ring: the first wraps, any one unwraps.
/// </summary>
internal static class KeyEncryptionKeySet
{
    /// <summary>Opens a key ring.</summary>
    /// <param name="uris">The URIs, at least one.</param>
    /// <param name="backends">How the URIs' keys are reached.</param>
    /// <returns>The ring; disposing it disposes its keys.</returns>
    /// <exception cref="CliException">A URI is malformed or of an unknown scheme (exit 2), or its key cannot be opened (exit 1); the message names the URI.</exception>
    public static KeyEncryptionKeyRing Resolve(IReadOnlyList<string> uris, CliBackends backends)
    {
        try
        {
            return (backends.CreateResolver?.Invoke() ?? CreateResolver()).ResolveRing(uris);
        }
        catch (KeyEncryptionKeyUriException exception)
        {
            // Without a cause the URI itself is wrong (syntax, scheme, repeated); with one, the key behind it failed to open.
            throw new CliException(exception.Message, exception.InnerException is null ? ExitCodes.Usage : ExitCodes.Failure, exception);
        }
    }

    /// <summary>
    /// Tells a failure of a KEK's backend while wrapping or unwrapping (a refused token, a missing key, an unreachable
    /// service: the vendor SDK's own exception) from the CLI's and the envelope's own failures, which are reported as they are.
    /// </summary>
    /// <param name="exception">The failure.</param>
    /// <returns>Whether it came from a KEK's backend.</returns>
    public static bool IsBackendFailure(Exception exception) =>
        exception is not (CliException or OperationCanceledException or EnvelopeException or KeyEncryptionKeyException or IOException or OutOfMemoryException);

    /// <summary>Rethrows a KEK backend's failure as one line naming the URIs it concerns (the vendor's message names no data).</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="what">What was being done, e.g. <c>encrypt 'a.txt'</c>.</param>
    /// <param name="uris">The KEK URIs that could have failed.</param>
    /// <returns>The exception to throw.</returns>
    public static CliException BackendFailure(Exception exception, string what, IReadOnlyList<string> uris)
    {
        var keys = uris.Count == 1 ? $"key-encryption key '{uris[0]}'" : $"one of the key-encryption keys {string.Join(", ", uris.Select(u => $"'{u}'"))}";
        return new CliException($"{what}: {keys} failed: {exception.Message}", ExitCodes.Failure, exception);
    }

    private static KeyEncryptionKeyResolver CreateResolver() => new KeyEncryptionKeyResolver()
        .AddVaultTransit()
        .AddAwsKms()
        .AddAzureKeyVault()
        .AddGcpKms();
}
