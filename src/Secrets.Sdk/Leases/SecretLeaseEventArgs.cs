namespace Secrets.Sdk;

/// <summary>Describes a lease event. Carries lease ids and names, never credentials.</summary>
public sealed class SecretLeaseEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="name">The tracked credential's name (a secret path or <c>token</c>).</param>
    /// <param name="kind">What happened.</param>
    /// <param name="lease">The lease concerned (for <see cref="SecretLeaseEventKind.Rotated"/>, the new one).</param>
    /// <param name="exception">The failure, for failure events.</param>
    public SecretLeaseEventArgs(string name, SecretLeaseEventKind kind, SecretLease lease, Exception? exception = null)
    {
        Name = name;
        Kind = kind;
        Lease = lease;
        Exception = exception;
    }

    /// <summary>Gets the tracked credential's name.</summary>
    public string Name { get; }

    /// <summary>Gets what happened.</summary>
    public SecretLeaseEventKind Kind { get; }

    /// <summary>Gets the lease concerned.</summary>
    public SecretLease Lease { get; }

    /// <summary>Gets the failure, for failure events.</summary>
    public Exception? Exception { get; }
}
