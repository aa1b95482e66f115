namespace Secrets.Sdk.Cli;

/// <summary>One secret as <c>doctor</c> found it: read (with its version and lease) or failed (with the error kind).</summary>
internal sealed class DoctorSecret
{
    /// <summary>Gets the secret's name in its backend.</summary>
    public required string Name { get; init; }

    /// <summary>Gets a value indicating whether it could be read.</summary>
    public required bool Readable { get; init; }

    /// <summary>Gets its version fingerprint, if read.</summary>
    public string? Version { get; init; }

    /// <summary>Gets the remaining lease time in seconds, for a leased (dynamic) secret.</summary>
    public double? LeaseTtlSeconds { get; init; }

    /// <summary>Gets the error kind (e.g. <c>AccessDenied</c>), if it failed.</summary>
    public string? ErrorKind { get; init; }

    /// <summary>Gets the error (never a value), if it failed.</summary>
    public string? Error { get; init; }
}
