namespace Secrets.Sdk;

/// <summary>
/// When leases are renewed and rotated. The model is Spring Vault's <c>SecretLeaseContainer</c>: renew at a fraction
/// of the lease, rotate when a renewal can no longer extend it, revoke the replaced lease after a grace period.
/// </summary>
public sealed class SecretLeaseOptions
{
    /// <summary>Gets or sets the fraction of a lease's duration after which it is renewed. Default: 2/3.</summary>
    public double RenewAtFraction { get; set; } = 2.0 / 3.0;

    /// <summary>Gets or sets the relative jitter on the renewal time (0.1 is ±10%). Default: 0.1.</summary>
    public double Jitter { get; set; } = 0.1;

    /// <summary>
    /// Gets or sets the shortest lease a renewal may return and still count as extended. A renewal granting no more
    /// than this (a max-TTL cap) triggers rotation. Default: 10 seconds.
    /// </summary>
    public TimeSpan MinimumRenewal { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets how long before expiry a replacement credential must be in place. Rotation starts no later than
    /// this before the lease ends. Default: 60 seconds (capped at a third of the lease for short leases).
    /// </summary>
    public TimeSpan ExpiryThreshold { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the increment asked for on renewal; <see langword="null"/> asks for the lease's original duration.</summary>
    public TimeSpan? RenewalIncrement { get; set; }

    /// <summary>
    /// Gets or sets the shortest lease the manager plans with. A backend granting less (or 0, "no expiry given") is treated
    /// as granting this much, so a zero lease never means "rotate now" in a tight loop. Default: 10 seconds.
    /// </summary>
    public TimeSpan MinimumLeaseDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets the shortest time between two rotations of one credential (including its first issue). Rotations
    /// asked for sooner wait, so a backend that keeps granting useless leases costs at most one new credential per
    /// interval. Default: 10 seconds.
    /// </summary>
    public TimeSpan MinimumRotationInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how many renewals in a row may fail before the credential is rotated. Default: 3.</summary>
    public int MaxRenewalFailures { get; set; } = 3;

    /// <summary>Gets or sets how long a replaced lease stays valid (so in-flight work finishes) before it is revoked. Default: 1 minute.</summary>
    public TimeSpan RevokeGracePeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets a value indicating whether replaced leases are revoked after <see cref="RevokeGracePeriod"/>. Default: <see langword="true"/>.</summary>
    public bool RevokeReplacedLeases { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether every live lease is revoked when the application stops. Default: <see langword="false"/>.</summary>
    public bool RevokeOnShutdown { get; set; }

    /// <summary>Checks the settings and throws an <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (RenewAtFraction is <= 0 or >= 1 || double.IsNaN(RenewAtFraction))
        {
            throw new ArgumentException($"{nameof(RenewAtFraction)} must be in (0, 1); it was {RenewAtFraction}.", nameof(RenewAtFraction));
        }

        if (Jitter is < 0 or >= 0.5 || double.IsNaN(Jitter))
        {
            throw new ArgumentException($"{nameof(Jitter)} must be in [0, 0.5); it was {Jitter}.", nameof(Jitter));
        }

        if (MinimumLeaseDuration <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(MinimumLeaseDuration)} must be positive; it was {MinimumLeaseDuration}.", nameof(MinimumLeaseDuration));
        }

        if (MinimumRotationInterval < TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(MinimumRotationInterval)} must not be negative; it was {MinimumRotationInterval}.", nameof(MinimumRotationInterval));
        }

        if (MaxRenewalFailures < 1)
        {
            throw new ArgumentException($"{nameof(MaxRenewalFailures)} must be at least 1.", nameof(MaxRenewalFailures));
        }
    }
}
