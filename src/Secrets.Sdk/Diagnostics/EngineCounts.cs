namespace Secrets.Sdk;

/// <summary>What the engine has alive for one source name.</summary>
/// <param name="Runtimes">Source runtimes created and not yet disposed.</param>
/// <param name="RunningLoops">Refresh loops running.</param>
/// <param name="TrackedLeases">Leases tracked by lease managers.</param>
/// <param name="TelemetryEntries">Entries in the snapshot-age telemetry registry.</param>
internal sealed record EngineCounts(int Runtimes, int RunningLoops, int TrackedLeases, int TelemetryEntries);
