namespace Secrets.Sdk.Vault;

/// <summary>
/// When the connection's token is renewed and replaced. The defaults are those of the engine's lease options (renew at
/// 2/3 of the TTL, log in again when Vault can no longer extend it), so a Transit-only application keeps its token
/// alive exactly as <c>AddVault</c> does; <c>AddVault</c> passes its source's <c>Leases</c> settings, which the engine has
/// validated (the values here are internal: no user sets them directly).
/// </summary>
internal sealed record VaultTokenRenewalOptions
{
    /// <summary>Gets the fraction of the token's TTL after which it is renewed. Default: 2/3.</summary>
    public double RenewAtFraction { get; init; } = 2.0 / 3.0;

    /// <summary>Gets the relative jitter on the renewal time (0.1 is ±10%), so a fleet does not renew in step. Default: 0.1.</summary>
    public double Jitter { get; init; } = 0.1;

    /// <summary>Gets the shortest TTL a renewal may grant and still count as extended; no more (a max-TTL cap) means log in again. Default: 10 s.</summary>
    public TimeSpan MinimumRenewal { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets how long before expiry a new token must be in place (capped at a third of the TTL). Default: 60 s.</summary>
    public TimeSpan ExpiryThreshold { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets the increment asked for on renewal; <see langword="null"/> asks for the token's last TTL.</summary>
    public TimeSpan? RenewalIncrement { get; init; }

    /// <summary>Gets the shortest TTL planned with: a shorter grant counts as this much, so it never means "renew now" in a tight loop. Default: 10 s.</summary>
    public TimeSpan MinimumTokenDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets the shortest time between two logins of the renewal loop (a Vault granting useless TTLs costs one login per interval). Default: 10 s.</summary>
    public TimeSpan MinimumLoginInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets how many renewals in a row may fail (other than with a dead token) before logging in again. Default: 3.</summary>
    public int MaxRenewalFailures { get; init; } = 3;

    /// <summary>Gets how long a replaced token stays valid (so requests in flight finish) before it is revoked. Default: 1 minute.</summary>
    public TimeSpan RevokeGracePeriod { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets a value indicating whether a token replaced by a new login is revoked after <see cref="RevokeGracePeriod"/>. Default: <see langword="true"/>.</summary>
    public bool RevokeReplacedTokens { get; init; } = true;

    /// <summary>Gets the longest wait between two failed logins (the wait grows by half from 0.5 s). Default: 60 s.</summary>
    public TimeSpan MaxLoginRetryDelay { get; init; } = TimeSpan.FromSeconds(60);
}
