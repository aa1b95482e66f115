namespace Secrets.Sdk;

/// <summary>A lease tracked by a <see cref="SecretLeaseManager"/>. Dispose it to stop tracking (the lease is not revoked).</summary>
public sealed class SecretLeaseRegistration : IDisposable
{
    private readonly SecretLeaseManager.TrackedLease _tracked;

    internal SecretLeaseRegistration(SecretLeaseManager.TrackedLease tracked) => _tracked = tracked;

    /// <summary>Gets the lease as of the last renewal or rotation.</summary>
    public SecretLease CurrentLease => _tracked.Current;

    /// <summary>Stops renewing the lease.</summary>
    public void Dispose() => _tracked.Stop();
}
