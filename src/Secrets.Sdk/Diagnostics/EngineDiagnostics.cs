using System.Collections.Concurrent;

namespace Secrets.Sdk;

/// <summary>
/// Counts what the engine has alive, by source name, so tests (and a debugger) can prove that a failed or disposed
/// provider left nothing behind: runtimes not yet disposed, refresh loops running, leases tracked, telemetry entries.
/// </summary>
internal static class EngineDiagnostics
{
    private static readonly ConcurrentDictionary<SecretSourceRuntime, byte> Live = new();

    public static void Add(SecretSourceRuntime runtime) => Live[runtime] = 0;

    public static void Remove(SecretSourceRuntime runtime) => Live.TryRemove(runtime, out _);

    /// <summary>What is alive for sources named <paramref name="sourceName"/>.</summary>
    public static EngineCounts For(string sourceName)
    {
        var runtimes = Live.Keys.Where(r => string.Equals(r.Name, sourceName, StringComparison.Ordinal)).ToArray();
        return new EngineCounts(
            runtimes.Length,
            runtimes.Count(r => r.IsLoopRunning),
            runtimes.Sum(r => r.LeaseManager?.Count ?? 0),
            SecretsTelemetry.CountRegistered(sourceName));
    }
}
