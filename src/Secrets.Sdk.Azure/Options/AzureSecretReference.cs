namespace Secrets.Sdk.Azure;

/// <summary>An explicitly named Key Vault secret: read by name, so no <c>secrets/list</c> permission is needed.</summary>
/// <param name="Name">The secret's name in the vault.</param>
public sealed record AzureSecretReference(string Name)
{
    /// <summary>Gets the configuration key (section) for its value or JSON fields. Default: its name with <c>--</c> as <c>:</c>.</summary>
    public string? Section { get; init; }

    /// <summary>Gets a version id to pin; a pinned version never changes, so it is read once and never checked again.</summary>
    public string? Version { get; init; }

    /// <summary>Gets a value indicating whether a missing or denied secret may be skipped (logged) instead of failing its source.</summary>
    public bool Optional { get; init; }
}
