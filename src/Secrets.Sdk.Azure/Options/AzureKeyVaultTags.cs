namespace Secrets.Sdk.Azure;

/// <summary>Tags the Key Vault store puts on <see cref="SecretMetadata"/> (the secret's own tags are added as <c>tag:NAME</c>).</summary>
public static class AzureKeyVaultTags
{
    /// <summary>The configuration key a secret maps to by convention: prefix stripped and <c>--</c> as <c>:</c>, or its section.</summary>
    public const string ConfigurationKey = "azure.configuration-key";

    /// <summary>The secret's name in the vault.</summary>
    public const string SecretName = "azure.secret-name";

    /// <summary>How the secret's change is detected: <c>list</c> (the listing's <c>updated</c> attribute), <c>get</c> (version id of a read) or <c>pinned</c>.</summary>
    public const string ChangeCheck = "azure.change-check";
}
