using Azure.Core;
using Azure.Identity;
using Secrets.Sdk.Azure;

namespace Secrets.Sdk.Encryption;

/// <summary>Registers the <c>azure-kv:https://VAULT/keys/NAME</c> key-encryption key URI scheme.</summary>
public static class AzureKeyVaultKeyEncryptionKeyResolverExtensions
{
    /// <summary>The URI scheme: <c>azure-kv</c>.</summary>
    public const string Scheme = "azure-kv";

    /// <summary>
    /// Lets <paramref name="resolver"/> open <c>azure-kv:https://VAULT.vault.azure.net/keys/NAME</c> (optionally
    /// <c>/VERSION</c>): an <see cref="AzureKeyVaultKeyEncryptionKey"/> authenticated by <paramref name="credential"/>.
    /// </summary>
    /// <param name="resolver">The resolver.</param>
    /// <param name="credential">The credential; default one <c>DefaultAzureCredential</c> shared by every key of this resolver.</param>
    /// <param name="options">Transport, retry and challenge options shared by every key of this resolver.</param>
    /// <returns>The resolver.</returns>
    public static KeyEncryptionKeyResolver AddAzureKeyVault(this KeyEncryptionKeyResolver resolver, TokenCredential? credential = null, AzureKeyVaultKeyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        var shared = credential is null ? new Lazy<TokenCredential>(() => new DefaultAzureCredential()) : new Lazy<TokenCredential>(credential);
        return resolver.AddScheme(Scheme, uri => new AzureKeyVaultKeyEncryptionKey(ParseKeyIdentifier(uri), shared.Value, options));
    }

    /// <summary>Checks the address is an https Key Vault key identifier, naming the part that is wrong.</summary>
    internal static Uri ParseKeyIdentifier(KeyEncryptionKeyUri uri)
    {
        const string Expected = "expected azure-kv:https://VAULT.vault.azure.net/keys/NAME[/VERSION]";
        if (!Uri.TryCreate(uri.Address, UriKind.Absolute, out var id) || (id.Scheme != Uri.UriSchemeHttps && id.Scheme != Uri.UriSchemeHttp))
        {
            throw uri.CreateError($"the address '{uri.Address}' is not an absolute https URL; {Expected}.");
        }

        if (id.Scheme != Uri.UriSchemeHttps)
        {
            throw uri.CreateError($"the vault URL's scheme '{id.Scheme}' is not https; Key Vault is reached over https only.");
        }

        if (!string.IsNullOrEmpty(id.Query) || !string.IsNullOrEmpty(id.Fragment) || !string.IsNullOrEmpty(id.UserInfo))
        {
            throw uri.CreateError($"the key URL has a query, fragment or user info; {Expected}.");
        }

        var segments = id.AbsolutePath.Trim('/').Split('/');
        if (segments[0] != "keys")
        {
            throw uri.CreateError($"the path '{id.AbsolutePath}' does not start with /keys/; {Expected}.");
        }

        if (segments.Length < 2 || segments.Length > 3)
        {
            throw uri.CreateError($"the path '{id.AbsolutePath}' has {segments.Length - 1} segments after /keys/, expected the key name and optionally a version; {Expected}.");
        }

        foreach (var (segment, part) in segments.Skip(1).Zip(["key name", "key version"]))
        {
            if (segment.Length is 0 or > 127 || !segment.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                throw uri.CreateError($"the {part} '{segment}' must be 1-127 letters, digits or '-'.");
            }
        }

        return id;
    }
}
