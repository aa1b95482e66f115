namespace Secrets.Sdk;

/// <summary>Rotates one dynamic secret of a source: a fresh read committed through the source's refresh commit path.</summary>
internal sealed class LeasedSecretRotation(SecretSourceRuntime owner, string secretName) : ILeaseRotationTarget
{
    public ValueTask<SecretLease> RotateAsync(SecretLease expiring, CancellationToken cancellationToken) =>
        owner.RotateLeasedSecretAsync(secretName, cancellationToken);
}
