namespace Secrets.Sdk.Vault;

/// <summary>
/// <c>AddVault</c>'s token follows the source's <see cref="SecretSourceOptions.Leases"/> settings, as its dynamic secrets
/// do; the token itself is renewed by the connection (<see cref="VaultTokenManager"/>), not by the engine.
/// </summary>
internal static class VaultTokenRenewal
{
    /// <summary>The token renewal settings equivalent to <paramref name="leases"/>.</summary>
    /// <param name="leases">The source's lease settings.</param>
    /// <returns>The settings for the connection's token.</returns>
    public static VaultTokenRenewalOptions FromLeases(SecretLeaseOptions leases) => new()
    {
        RenewAtFraction = leases.RenewAtFraction,
        Jitter = leases.Jitter,
        MinimumRenewal = leases.MinimumRenewal,
        ExpiryThreshold = leases.ExpiryThreshold,
        RenewalIncrement = leases.RenewalIncrement,
        MinimumTokenDuration = leases.MinimumLeaseDuration,
        MinimumLoginInterval = leases.MinimumRotationInterval,
        MaxRenewalFailures = leases.MaxRenewalFailures,
        RevokeGracePeriod = leases.RevokeGracePeriod,
        RevokeReplacedTokens = leases.RevokeReplacedLeases,
    };
}
