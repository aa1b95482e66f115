using System.Globalization;

namespace Secrets.Sdk.Vault;

/// <summary>
/// Reads the key version from a Vault Transit ciphertext, <c>vault:v{N}:{base64}</c>. Vault picks the key version to
/// decrypt with from this prefix, so once Vault has decrypted a ciphertext its prefix names the version that really
/// wrapped it (a changed prefix selects another key version and fails Vault's authentication).
/// </summary>
/// <remarks>https://developer.hashicorp.com/vault/api-docs/secret/transit#decrypt ("vault:v1:" ciphertext, key versions).</remarks>
internal static class TransitCiphertext
{
    private const string Prefix = "vault:v";

    /// <summary>Returns the version in <paramref name="ciphertext"/>'s prefix, or null when it has no well-formed prefix.</summary>
    /// <param name="ciphertext">The ciphertext text.</param>
    /// <returns>The version (1 or more), or <see langword="null"/>.</returns>
    public static int? Version(ReadOnlySpan<char> ciphertext)
    {
        if (!ciphertext.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = ciphertext[Prefix.Length..];
        var colon = rest.IndexOf(':');
        return colon > 0
            && rest[0] != '0'
            && int.TryParse(rest[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : null;
    }
}
