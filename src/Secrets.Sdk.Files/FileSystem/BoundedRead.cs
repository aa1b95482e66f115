namespace Secrets.Sdk.Files;

/// <summary>The bytes of a bounded read, or why there are none.</summary>
/// <param name="Outcome">How the read ended.</param>
/// <param name="Content">The bytes when <paramref name="Outcome"/> is <see cref="BoundedReadOutcome.Read"/>.</param>
internal readonly record struct BoundedRead(BoundedReadOutcome Outcome, byte[]? Content)
{
    public static BoundedRead Of(BoundedReadOutcome outcome) => new(outcome, null);
}
