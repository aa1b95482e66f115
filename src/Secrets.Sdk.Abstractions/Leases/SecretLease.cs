namespace Secrets.Sdk;

/// <summary>A time-limited grant attached to a dynamic secret or a token.</summary>
/// <param name="LeaseId">The backend's lease identifier (safe to log: it is not the credential).</param>
/// <param name="IssuedAt">When the lease was issued or last renewed.</param>
/// <param name="Duration">How long the lease is valid from <paramref name="IssuedAt"/>.</param>
/// <param name="Renewable">Whether the backend allows renewing it.</param>
public sealed record SecretLease(string LeaseId, DateTimeOffset IssuedAt, TimeSpan Duration, bool Renewable)
{
    /// <summary>Gets when the lease expires.</summary>
    public DateTimeOffset ExpiresAt => IssuedAt + Duration;
}
