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

    private static KeyEncryptionKeyResolver CreateResolver() => new KeyEncryptionKeyResolver()
        .AddVaultTransit()
        .AddAwsKms()
        .AddAzureKeyVault()
        .AddGcpKms();
}
