namespace Secrets.Sdk.Soak;

/// <summary>How long a soak runs, how often it rotates, and the bounds its growth checks use.</summary>
internal sealed record SoakSettings
{
    /// <summary>
    /// Gets the CI-sized run: 500 warm-up cycles, then 1,500 measured (cycle 500 against cycle 2,000 for levels, the
    /// first 500 against the last 500 for allocation, with room for a shared machine's noise: segments differ in how many
    /// lease renewals and rotations they hold), a rotation every 250 cycles.
    /// </summary>
    public static SoakSettings Bounded { get; } = new()
    {
        Warmup = 500,
        Cycles = 1_500,
        Segments = 3,
        RotateEvery = 250,
        AllocationGrowth = 0.25,
        HeapGrowth = 256 * 1024,

        // A short run can start on a cold thread pool (a test process that ran nothing before it): the pool's hill
        // climbing then adds threads during the run (5 → 18 seen). A leak of one thread per cycle still fails.
        ThreadGrowth = 32,
    };

    /// <summary>Gets the refresh cycles run before the first sample (JIT, connection pools, first rotations), not measured.</summary>
    public int Warmup { get; init; } = 1_000;

    /// <summary>Gets the refresh cycles measured after the warm-up.</summary>
    public int Cycles { get; init; } = 100_000;

    /// <summary>Gets the number of equal segments between samples; growth compares the first segment with the last.</summary>
    public int Segments { get; init; } = 10;

    /// <summary>Gets how often (in cycles) the <c>Soak:Rotating</c> value is rotated in the store.</summary>
    public int RotateEvery { get; init; } = 500;

    /// <summary>Gets the sources' refresh interval (the shipped default, 5 minutes; 100,000 cycles are 347 simulated days).</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets the relative growth allowed for bytes allocated per cycle (last segment against the first).</summary>
    public double AllocationGrowth { get; init; } = 0.10;

    /// <summary>Gets the bytes per cycle allowed on top of <see cref="AllocationGrowth"/>.</summary>
    public long AllocationSlack { get; init; } = 256;

    /// <summary>Gets the growth of the heap after a full collection allowed between the first sample (after the warm-up) and the last.</summary>
    public long HeapGrowth { get; init; } = 1024 * 1024;

    /// <summary>
    /// Gets the heap allowed on top of <see cref="HeapGrowth"/> per thread-pool thread added between the first sample and
    /// the last. A new pool thread keeps caches of its own that a full collection does not free (per-thread pooled
    /// buffers, its work-stealing queue): a cold process measured 40–60 KiB per thread added during a CI-sized Vault
    /// run (13 → 34 threads, 404 → 1,243 KiB), and flat heaps when the same run was repeated on the now warm pool.
    /// </summary>
    public long HeapPerAddedThread { get; init; } = 64 * 1024;

    /// <summary>Gets the growth allowed for timers (runtime and clock), handles, pending work items.</summary>
    public int CountGrowth { get; init; } = 2;

    /// <summary>Gets the growth allowed for open handles.</summary>
    public int HandleGrowth { get; init; } = 4;

    /// <summary>Gets the growth allowed for threads (the thread pool adds and retires threads with the machine's load).</summary>
    public int ThreadGrowth { get; init; } = 8;
}
