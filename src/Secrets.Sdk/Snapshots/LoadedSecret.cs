namespace Secrets.Sdk;

/// <summary>What a source remembers about one secret: the version it loaded and the entries it produced.</summary>
/// <param name="Metadata">The metadata the value was read at.</param>
/// <param name="Entries">The configuration entries (after mapping and flattening).</param>
/// <param name="Lease">The lease registration, for dynamic secrets.</param>
internal sealed record LoadedSecret(SecretMetadata Metadata, KeyValuePair<string, string?>[] Entries, SecretLeaseRegistration? Lease);
