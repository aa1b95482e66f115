namespace Secrets.Sdk.Azure;

/// <summary>What the Key Vault store keeps on a secret's metadata for its reads.</summary>
/// <param name="SecretName">The secret's name in the vault (the prefix not stripped).</param>
/// <param name="ChangeCheck">How a refresh learns of a change: from the listing, by a get, or never (a pinned version).</param>
internal sealed record AzureSecretHandle(string SecretName, string ChangeCheck);
