using Azure.Identity;

namespace Secrets.Sdk.Azure;

/// <summary>
/// The source type <c>"Type": "AzureKeyVault"</c> in a declared secrets section: <c>VaultUri</c> (or
/// <c>AZURE_KEYVAULT_URL</c>/<c>AZURE_KEY_VAULT_ENDPOINT</c>), discovery by <c>NamePrefix</c>, explicit <c>Secrets</c> (a name,
/// or an object with <c>Name</c>, <c>Section</c>, <c>Version</c>, <c>Optional</c>), the shared throttle gate's <c>Throttle</c>
/// object, and every common source setting. The
/// credential is <see cref="DefaultAzureCredential"/> (environment, workload identity, managed identity, developer tools),
/// optionally pinned to a user-assigned identity with <c>ManagedIdentityClientId</c> and a <c>TenantId</c>; a credential
/// object can be given in code (<c>ConfigureDeclaredSources&lt;AzureKeyVaultSourceOptions&gt;</c>). Found by the engine by name.
/// </summary>
internal sealed class AzureKeyVaultSourceType : ISecretSourceType
{
    private const string CredentialAdvice =
        "Azure credentials must not be written in configuration: use a managed or workload identity (set \"ManagedIdentityClientId\" for a user-assigned one), or the AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET environment variables read by DefaultAzureCredential.";

    public void AddSource(SecretsManagerBuilder builder, DeclaredSection declaration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(declaration);
        builder.AddAzureKeyVault(options => Read(declaration, options));
    }

    private static void Read(DeclaredSection declaration, AzureKeyVaultSourceOptions options)
    {
        declaration.ApplyTo(options);
        declaration.Reject("ClientSecret", CredentialAdvice);
        declaration.Reject("ClientCertificate", CredentialAdvice);
        options.VaultUri = declaration.GetUri(nameof(options.VaultUri));
        options.NamePrefix = declaration.GetString(nameof(options.NamePrefix));
        foreach (var secret in declaration.GetSections(nameof(options.Secrets), shorthandKey: nameof(AzureSecretReference.Name)))
        {
            var name = secret.GetRequiredString(nameof(AzureSecretReference.Name));
            var section = secret.GetString(nameof(AzureSecretReference.Section));
            var version = secret.GetString(nameof(AzureSecretReference.Version));
            var optional = secret.GetBoolean(nameof(AzureSecretReference.Optional)) ?? false;
            if (name is not null)
            {
                options.AddSecret(name, section, version, optional);
            }
        }

        var clientId = declaration.GetString("ManagedIdentityClientId");
        var tenantId = declaration.GetString("TenantId");
        if (clientId is not null || tenantId is not null)
        {
            options.Credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId, TenantId = tenantId });
        }

        BackendHttpDeclaration.ReadThrottle(declaration, options.Throttle);
        declaration.Customize(options);
    }
}
