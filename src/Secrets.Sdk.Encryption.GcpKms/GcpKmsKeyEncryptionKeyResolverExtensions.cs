using Secrets.Sdk.Gcp;

namespace Secrets.Sdk.Encryption;

/// <summary>Registers the <c>gcp-kms:projects/P/locations/L/keyRings/R/cryptoKeys/K</c> key-encryption key URI scheme.</summary>
public static class GcpKmsKeyEncryptionKeyResolverExtensions
{
    /// <summary>The URI scheme: <c>gcp-kms</c>.</summary>
    public const string Scheme = "gcp-kms";

    private static readonly string[] Collections = ["projects", "locations", "keyRings", "cryptoKeys"];

    /// <summary>
    /// Lets <paramref name="resolver"/> open <c>gcp-kms:projects/P/locations/L/keyRings/R/cryptoKeys/K</c>: a
    /// <see cref="GcpKmsKeyEncryptionKey"/> on that CryptoKey (new data keys go to its primary version).
    /// </summary>
    /// <param name="resolver">The resolver.</param>
    /// <param name="credential">The credential, shared by every key the resolver opens; default application default credentials (one per key).</param>
    /// <param name="endpoint">The Cloud KMS endpoint; default <c>https://cloudkms.googleapis.com/</c>.</param>
    /// <returns>The resolver.</returns>
    public static KeyEncryptionKeyResolver AddGcpKms(this KeyEncryptionKeyResolver resolver, GcpCredential? credential = null, Uri? endpoint = null)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        return resolver.AddScheme(Scheme, uri => new GcpKmsKeyEncryptionKey(ParseCryptoKeyName(uri), credential, endpoint));
    }

    /// <summary>Checks the address is a CryptoKey resource name, naming the part that is wrong.</summary>
    internal static string ParseCryptoKeyName(KeyEncryptionKeyUri uri)
    {
        const string Expected = "expected gcp-kms:projects/P/locations/L/keyRings/R/cryptoKeys/K";
        var parts = uri.Address.Split('/');
        if (parts.Length == 10 && parts[8] == "cryptoKeyVersions")
        {
            throw uri.CreateError($"the name '{uri.Address}' names a CryptoKeyVersion; name the CryptoKey (new data keys go to its primary version, and any version decrypts).");
        }

        for (var i = 0; i < Collections.Length; i++)
        {
            if (parts.Length <= (2 * i) + 1 || parts[2 * i] != Collections[i])
            {
                var found = parts.Length > 2 * i ? $"'{parts[2 * i]}'" : "nothing";
                throw uri.CreateError($"segment {(2 * i) + 1} of the name is {found}, not '{Collections[i]}'; {Expected}.");
            }

            var id = parts[(2 * i) + 1];
            if (id.Length == 0 || id.Length > 63 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                throw uri.CreateError($"the {Collections[i][..^1]} id '{id}' must be 1-63 letters, digits, '-' or '_'.");
            }
        }

        if (parts.Length != 8)
        {
            throw uri.CreateError($"the name has {parts.Length - 8} extra segment(s) after the CryptoKey; {Expected}.");
        }

        return uri.Address;
    }
}
