namespace Secrets.Sdk.Encryption;

/// <summary>What a decryptor accepts. Every limit is checked before any key-encryption key is called.</summary>
public sealed class EnvelopeDecryptPolicy
{
    /// <summary>
    /// Gets or sets the KEK key ids allowed to unwrap; empty allows any id a configured KEK can unwrap. Enforced on the key
    /// id the KEK verified (<see cref="UnwrappedDataKey.KeyId"/>), not only on the message's claim.
    /// </summary>
    public ISet<string> AllowedKeyIds { get; set; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets the lowest KEK version accepted (key ids ending in <c>:v{N}</c>, as local key rings and Vault Transit
    /// write them), like Vault's <c>min_decryption_version</c>; <see langword="null"/> accepts any. Enforced on the version the
    /// KEK verified (<see cref="UnwrappedDataKey.KeyId"/>), not only on the message's claim.
    /// </summary>
    public int? MinimumKeyVersion { get; set; }

    /// <summary>Gets or sets the most wrapped data keys a message may carry. Default: 16.</summary>
    public int MaxWrappedKeys { get; set; } = 16;

    /// <summary>Gets or sets the largest header accepted, in bytes. Default: 64 KiB.</summary>
    public int MaxHeaderBytes { get; set; } = 64 * 1024;

    /// <summary>Gets or sets the largest body accepted, in bytes. Default: no limit beyond the format's.</summary>
    public long MaxBodyBytes { get; set; } = long.MaxValue;

    /// <summary>Gets a value indicating whether the policy restricts key ids or versions.</summary>
    internal bool RestrictsKeys => AllowedKeyIds.Count > 0 || MinimumKeyVersion is not null;

    /// <summary>Returns whether the policy accepts a KEK key id (checked on the claimed id, then on the verified one).</summary>
    /// <param name="keyId">The key id, with <c>:v{N}</c> where the KEK has versions.</param>
    /// <returns><see langword="true"/> when the id is allowed and its version is at least <see cref="MinimumKeyVersion"/>.</returns>
    internal bool Allows(string keyId) =>
        (AllowedKeyIds.Count == 0 || AllowedKeyIds.Contains(keyId))
        && (MinimumKeyVersion is not { } minimum || KeyVersion(keyId) >= minimum);

    /// <summary>Returns the version in a key id ending in <c>:v{N}</c>, or null.</summary>
    /// <param name="keyId">The key id.</param>
    /// <returns>The version, or <see langword="null"/>.</returns>
    private static int? KeyVersion(string keyId)
    {
        var index = keyId.LastIndexOf(":v", StringComparison.Ordinal);
        return index >= 0 && int.TryParse(keyId.AsSpan(index + 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? version
            : null;
    }
}
