namespace Secrets.Sdk.AspNetCore;

/// <summary>One source in the status document. Names, times, counts, fingerprints and error kinds; never a value.</summary>
internal sealed class SourceStatusDocument
{
    public required string Name { get; init; }

    public required string Store { get; init; }

    /// <summary>Gets the source's health: <c>Healthy</c>, <c>Degraded</c> or <c>Unhealthy</c> (as the <c>secrets</c> health check judges it).</summary>
    public required string State { get; init; }

    /// <summary>Gets why the state is not plainly fresh (only with error messages on).</summary>
    public string? Reason { get; init; }

    public required bool Optional { get; init; }

    public required bool Loaded { get; init; }

    public required bool Loading { get; init; }

    public DateTimeOffset? LastLoadAt { get; init; }

    public DateTimeOffset? LastAttemptAt { get; init; }

    /// <summary>Gets when the values served were saved, while the source serves its last-known-good cache instead of the backend.</summary>
    public DateTimeOffset? ServingCachedFrom { get; init; }

    /// <summary>Gets the age of the last good load in seconds.</summary>
    public double? AgeSeconds { get; init; }

    public required int ConsecutiveFailures { get; init; }

    public string? LastErrorKind { get; init; }

    public string? LastError { get; init; }

    public required int SecretCount { get; init; }

    public required int KeyCount { get; init; }

    public required IReadOnlyList<LoadedSecretDocument> Secrets { get; init; }

    public required IReadOnlyList<FailingSecretDocument> FailingSecrets { get; init; }
}
