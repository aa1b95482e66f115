using Secrets.Sdk.Http;

namespace Secrets.Sdk.Vault;

/// <summary>
/// The Vault CLI's environment defaults (<c>VAULT_ADDR</c>, <c>VAULT_NAMESPACE</c>, <c>VAULT_TOKEN</c>,
/// <c>VAULT_CACERT</c>) and the address checks, applied alike by <c>AddVault</c> and the Transit key-encryption key.
/// </summary>
internal static class VaultEndpoint
{
    /// <summary>Fills every setting left unset from the environment, as the Vault CLI does.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="environment">Reads an environment variable (a seam for tests); <see langword="null"/> for the process environment.</param>
    public static void ApplyEnvironmentDefaults(IVaultEndpointOptions options, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string? Read(string name) => environment(name) is { Length: > 0 } value ? value : null;

        if (options.Address is null && Read("VAULT_ADDR") is { } address)
        {
            options.Address = Uri.TryCreate(address, UriKind.Absolute, out var uri)
                ? uri
                : throw new ArgumentException("The environment variable VAULT_ADDR is not an absolute URI.", nameof(options));
        }

        options.Namespace ??= Read("VAULT_NAMESPACE");
        options.Tls.CaCertificatePath ??= Read("VAULT_CACERT");
        if (options.Authentication is null && Read("VAULT_TOKEN") is { } token)
        {
            options.Authentication = VaultAuthentication.Token(token);
        }
    }

    /// <summary>Checks that an address and authentication are set and that plain HTTP goes only to loopback unless allowed.</summary>
    /// <param name="options">The settings.</param>
    public static void Validate(IVaultEndpointOptions options)
    {
        var address = options.Address ?? throw new ArgumentException("Vault's Address is not set (nor VAULT_ADDR).", nameof(options.Address));
        BackendHttpClientFactory.EnsureAllowedEndpoint(address, options.AllowInsecureHttp, nameof(options.Address));
        options.Http.Validate();

        if (options.Authentication is null)
        {
            throw new ArgumentException("Vault Authentication is not set (nor VAULT_TOKEN).", nameof(options.Authentication));
        }
    }
}
