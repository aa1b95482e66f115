using System.Diagnostics;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Soak;

/// <summary>
/// Process-wide figures at one point of a soak run. Allocation and GC counts are read first; then two full blocking
/// collections (counted in <see cref="InducedCollections"/>) so <see cref="HeapBytes"/> is what is still reachable.
/// </summary>
internal sealed record ResourceSample(
    long Cycle,
    TimeSpan Elapsed,
    long AllocatedBytes,
    long HeapBytes,
    long Timers,
    int ClockTimers,
    int Handles,
    int PoolThreads,
    int ProcessThreads,
    long PendingWorkItems,
    int Gen0,
    int Gen1,
    int Gen2,
    long StoreCalls,
    long Requests)
{
    /// <summary>Full collections each sample forces (they show in the GC counts of the next interval).</summary>
    public const int InducedCollections = 2;

    public static ResourceSample Take(long cycle, Stopwatch wall, ManualTimeProvider clock, long storeCalls, long requests)
    {
        var elapsed = wall.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var pending = ThreadPool.PendingWorkItemCount;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var heap = GC.GetTotalMemory(forceFullCollection: false);
        using var process = Process.GetCurrentProcess();
        return new ResourceSample(
            cycle,
            elapsed,
            allocated,
            heap,
            Timer.ActiveCount,
            clock.PendingTimers,
            OpenHandles(process),
            ThreadPool.ThreadCount,
            process.Threads.Count,
            pending,
            gen0,
            gen1,
            gen2,
            storeCalls,
            requests);
    }

    /// <summary>Open file descriptors (sockets, files, pipes, eventfds) on Linux; the OS handle count elsewhere.</summary>
    private static int OpenHandles(Process process) =>
        Directory.Exists("/proc/self/fd") ? Directory.GetFileSystemEntries("/proc/self/fd").Length : process.HandleCount;
}
