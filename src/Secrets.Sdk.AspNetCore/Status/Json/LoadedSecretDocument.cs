namespace Secrets.Sdk.AspNetCore;

/// <summary>One loaded secret: its name, a keyed fingerprint of its version and, for a dynamic secret, its lease expiry.</summary>
internal sealed class LoadedSecretDocument
{
    public required string Name { get; init; }

    public string? Version { get; init; }

    public DateTimeOffset? LeaseExpiresAt { get; init; }

    public double? LeaseExpiresInSeconds { get; init; }
}
