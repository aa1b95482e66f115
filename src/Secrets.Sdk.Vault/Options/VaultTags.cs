namespace Secrets.Sdk.Vault;

/// <summary>Tags the Vault stores put on <see cref="SecretMetadata"/> for key mapping.</summary>
public static class VaultTags
{
    /// <summary>The configuration key a secret maps to by Vault convention (empty: its fields go to the root).</summary>
    public const string ConfigurationKey = "vault.configuration-key";
}
