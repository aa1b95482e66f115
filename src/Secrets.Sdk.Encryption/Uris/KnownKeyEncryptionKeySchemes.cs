namespace Secrets.Sdk.Encryption;

/// <summary>
/// The URI schemes of the Secrets.Sdk key-encryption key packages, so that a URI whose package is not registered gets an
/// error naming the package to add and the call that registers it.
/// </summary>
internal static class KnownKeyEncryptionKeySchemes
{
    public static readonly IReadOnlyList<(string Scheme, string Package, string Registration)> All =
    [
        ("local", "Secrets.Sdk.Encryption", "(built in)"),
        ("vault-transit", "Secrets.Sdk.Encryption.VaultTransit", "AddVaultTransit()"),
        ("aws-kms", "Secrets.Sdk.Encryption.AwsKms", "AddAwsKms()"),
        ("azure-kv", "Secrets.Sdk.Encryption.AzureKeyVault", "AddAzureKeyVault()"),
        ("gcp-kms", "Secrets.Sdk.Encryption.GcpKms", "AddGcpKms()"),
    ];

    public static string Describe() => string.Join(", ", All.Select(s => $"{s.Scheme} ({s.Package})"));
}
