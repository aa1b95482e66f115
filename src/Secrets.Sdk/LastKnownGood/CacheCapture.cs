namespace Secrets.Sdk;

/// <summary>Turns what a source serves into its part of a last-known-good cache file.</summary>
internal static class CacheCapture
{
    /// <summary>
    /// Captures every secret the source has loaded with its entries and, for a dynamic secret, its lease's expiry (a
    /// dynamic secret without a lease is left out: nothing would tell when it stops being valid).
    /// </summary>
    public static CachedSource From(SecretSourceRuntime source)
    {
        var cached = new CachedSource { Name = source.Name };
        foreach (var (name, secret) in source.State.Secrets.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var expiry = secret.Lease?.CurrentLease.ExpiresAt;
            if (secret.Metadata.Leased && expiry is null)
            {
                continue;
            }

            cached.Secrets.Add(new CachedSecret
            {
                Name = name,
                LeaseExpiresAt = expiry,
                Entries = new Dictionary<string, string?>(secret.Entries, StringComparer.Ordinal),
            });
        }

        return cached;
    }
}
