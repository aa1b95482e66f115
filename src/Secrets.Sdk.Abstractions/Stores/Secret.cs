namespace Secrets.Sdk;

/// <summary>A secret read from a store: its metadata as of the read, its value and, for dynamic secrets, its lease.</summary>
/// <param name="Metadata">The metadata of the version that was read.</param>
/// <param name="Value">The value.</param>
/// <param name="Lease">The lease, for dynamic secrets; otherwise <see langword="null"/>.</param>
public sealed record Secret(SecretMetadata Metadata, SecretValue Value, SecretLease? Lease = null)
{
    /// <summary>Gets the secret's name.</summary>
    public string Name => Metadata.Name;
}
