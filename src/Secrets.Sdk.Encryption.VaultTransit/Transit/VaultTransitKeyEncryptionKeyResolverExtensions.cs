using Secrets.Sdk.Vault;

namespace Secrets.Sdk.Encryption;

/// <summary>Registers the <c>vault-transit:MOUNT/KEY</c> key-encryption key URI scheme.</summary>
public static class VaultTransitKeyEncryptionKeyResolverExtensions
{
    /// <summary>The URI scheme: <c>vault-transit</c>.</summary>
    public const string Scheme = "vault-transit";

    /// <summary>
    /// Lets <paramref name="resolver"/> open <c>vault-transit:MOUNT/KEY</c> (for example <c>vault-transit:transit/orders</c>;
    /// the last segment is the key, the rest the mount): a <see cref="VaultTransitKeyEncryptionKey"/>. The address,
    /// namespace, token and CA come from <paramref name="configure"/>, else from Vault's environment variables
    /// (<c>VAULT_ADDR</c>, <c>VAULT_NAMESPACE</c>, <c>VAULT_TOKEN</c>, <c>VAULT_CACERT</c>).
    /// </summary>
    /// <param name="resolver">The resolver.</param>
    /// <param name="configure">Sets connection and authentication options; the mount and key name come from the URI.</param>
    /// <returns>The resolver.</returns>
    public static KeyEncryptionKeyResolver AddVaultTransit(this KeyEncryptionKeyResolver resolver, Action<VaultTransitOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        return resolver.AddScheme(Scheme, uri =>
        {
            var (mount, key) = ParseMountAndKey(uri);
            var options = new VaultTransitOptions();
            configure?.Invoke(options);
            options.Mount = mount;
            options.KeyName = key;
            return new VaultTransitKeyEncryptionKey(options);
        });
    }

    /// <summary>Splits <c>MOUNT/KEY</c>, naming the part that is wrong.</summary>
    internal static (string Mount, string Key) ParseMountAndKey(KeyEncryptionKeyUri uri)
    {
        const string Expected = "expected vault-transit:MOUNT/KEY, for example vault-transit:transit/orders";
        var address = uri.Address;
        var slash = address.LastIndexOf('/');
        if (slash < 0)
        {
            throw uri.CreateError($"the address '{address}' has no mount; {Expected}.");
        }

        var mount = address[..slash];
        var key = address[(slash + 1)..];
        if (key.Length == 0)
        {
            throw uri.CreateError($"the key name is empty; {Expected}.");
        }

        if (!key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || key is "." or "..")
        {
            throw uri.CreateError($"the key name '{key}' may hold only letters, digits, '-', '_' and '.'.");
        }

        if (mount.Length == 0 || mount.Split('/').Any(s => s.Length == 0 || s is "." or ".."))
        {
            throw uri.CreateError($"the mount '{mount}' is empty or has an empty, '.' or '..' segment; {Expected}.");
        }

        return (mount, key);
    }
}
