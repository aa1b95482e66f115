namespace Secrets.Sdk.Azure;

/// <summary>
/// Thrown inside the Azure pipeline when the vault's shared throttle gate refuses an attempt (nothing was sent);
/// <see cref="KeyVaultErrors.Map"/> turns it into a <see cref="SecretErrorKind.Throttled"/> error with
/// <see cref="SecretStoreException.NotSent"/> set and the time left as <see cref="SecretStoreException.RetryAfter"/>.
/// </summary>
internal sealed class ThrottleGateRefusedException : Exception
{
    public ThrottleGateRefusedException(TimeSpan retryAfter)
        : base("The vault's shared throttle gate is closed.") => RetryAfter = retryAfter;

    /// <summary>Gets how long the gate stays closed.</summary>
    public TimeSpan RetryAfter { get; }
}
