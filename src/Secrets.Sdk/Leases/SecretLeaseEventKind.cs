namespace Secrets.Sdk;

/// <summary>What happened to a lease.</summary>
public enum SecretLeaseEventKind
{
    /// <summary>The lease was renewed and extended.</summary>
    Renewed,

    /// <summary>A renewal failed; it will be retried or the credential rotated.</summary>
    RenewalFailed,

    /// <summary>A renewal could not extend the lease enough (max TTL reached); rotation follows.</summary>
    RenewalCapped,

    /// <summary>A new credential replaced the old one.</summary>
    Rotated,

    /// <summary>Getting a new credential failed; it will be retried with back-off.</summary>
    RotationFailed,

    /// <summary>A lease was revoked.</summary>
    Revoked,

    /// <summary>Revoking a lease failed (it will expire on its own).</summary>
    RevocationFailed,

    /// <summary>The lease expired before it could be renewed or replaced.</summary>
    Expired,
}
