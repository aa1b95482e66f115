namespace Secrets.Sdk;

/// <summary>One loaded secret of a source, as reported by <see cref="SecretSourceStatus.Secrets"/>. Holds no value.</summary>
/// <param name="Name">The secret's name in its store.</param>
/// <param name="Version">
/// The version fingerprint the value was read at (a version id, a KV version number, or a content hash for mounted
/// files); <see langword="null"/> when the store reports none. A content hash is derived from the value: publish it only
/// through a keyed digest (as <c>MapSecretsStatus</c> does).
/// </param>
/// <param name="LeaseExpiresAt">When the lease of a dynamic secret expires (as of its last renewal); otherwise <see langword="null"/>.</param>
public sealed record LoadedSecretStatus(string Name, string? Version, DateTimeOffset? LeaseExpiresAt)
{
    /// <summary>
    /// Gets the configuration keys this secret produced (after key mapping, <c>KeyPrefix</c>, <c>Section</c> and JSON
    /// expansion), in the order the mapper produced them; empty when the secret maps to no key. Keys only, never values.
    /// Within a source a key belongs to one secret (two secrets landing on one key fail the snapshot).
    /// </summary>
    public IReadOnlyList<string> ConfigurationKeys { get; init; } = [];
}
