namespace Secrets.Sdk.AspNetCore;

/// <summary>One secret whose last read failed (its last good value, if any, is still served).</summary>
internal sealed class FailingSecretDocument
{
    public required string Name { get; init; }

    public required string ErrorKind { get; init; }

    public string? Error { get; init; }
}
