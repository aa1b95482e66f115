namespace Secrets.Sdk.Cli.Tests;

/// <summary>The system clock moved by <see cref="Offset"/>: an emulator's clock that runs ahead or behind this machine's.</summary>
internal sealed class OffsetClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
