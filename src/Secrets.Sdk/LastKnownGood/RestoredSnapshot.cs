namespace Secrets.Sdk;

/// <summary>What a valid last-known-good cache gives back: when it was written and each source's entries, in registration order.</summary>
/// <param name="WrittenAt">When the cache was written.</param>
/// <param name="Sources">Each source's entries (leased secrets whose leases have expired are already left out).</param>
internal sealed record RestoredSnapshot(DateTimeOffset WrittenAt, IReadOnlyList<SecretSnapshot> Sources);
