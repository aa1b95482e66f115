namespace Secrets.Sdk.Chaos.Tests.Harness;

/// <summary>Process-wide counts that must stay flat over simulated hours: heap after a full collection, real timers, open file descriptors.</summary>
internal readonly record struct ResourceCounts(long HeapBytes, long Timers, int Handles)
{
    public static ResourceCounts Take()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return new ResourceCounts(GC.GetTotalMemory(forceFullCollection: true), Timer.ActiveCount, OpenHandles());
    }

    private static int OpenHandles() =>
        Directory.Exists("/proc/self/fd") ? Directory.GetFileSystemEntries("/proc/self/fd").Length : System.Diagnostics.Process.GetCurrentProcess().HandleCount;
}
