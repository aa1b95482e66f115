namespace Secrets.Sdk;

/// <summary>
/// The reads of one refresh pass, mapped secret by secret: what to commit, which secrets failed (each alone), and the
/// leases minted by successful reads of dynamic secrets (a failed secret's lease is not among them: the caller revokes it).
/// </summary>
/// <param name="Updates">The mapped secrets to commit, by name.</param>
/// <param name="Failures">The secrets that could not be read or mapped, with the reason.</param>
/// <param name="Minted">The leases of successfully mapped dynamic secrets, by name.</param>
/// <param name="Orphaned">The leases minted by reads whose secret then failed to map; never tracked, to be revoked.</param>
internal sealed record MappedReads(
    Dictionary<string, LoadedSecret> Updates,
    List<(SecretMetadata Metadata, Exception Error)> Failures,
    Dictionary<string, SecretLease> Minted,
    List<SecretLease> Orphaned);
