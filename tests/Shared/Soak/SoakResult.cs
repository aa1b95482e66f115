using System.Globalization;

namespace Secrets.Sdk.Soak;

/// <summary>
/// What a soak run measured and its growth checks: the first segment against the last for rates (bytes allocated per
/// cycle), the first sample (after the warm-up) against the last for levels (heap after a full collection, timers,
/// handles, threads, pending work), and zero tolerance for failed passes, lease failures, missed rotations, unobserved
/// task exceptions and warnings.
/// </summary>
internal sealed record SoakResult(string Backend, SoakSettings Settings, IReadOnlyList<ResourceSample> Samples)
{
    public const string FiguresHeader =
        "| backend | cycles | wall | per cycle | store calls / cycle | HTTP requests / cycle | allocated / cycle (first → last segment) | heap after full GC (start / middle / end) | timers | clock timers | handles | pool threads | GCs gen0 / gen1 / gen2 | rotations seen | lease rotations |\n" +
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---:|";

    public const string ChecksHeader =
        "| backend | metric | first | last | bound | result |\n" +
        "|---|---|---:|---:|---|---|";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public int Rotations { get; init; }

    public IReadOnlyList<string> MissedRotations { get; init; } = [];

    public long OptionChanges { get; init; }

    public long ChangedPasses { get; init; }

    public long FailedPasses { get; init; }

    public long LeaseEvents { get; init; }

    public long LeaseRotations { get; init; }

    public long LeaseFailures { get; init; }

    public long Reloads { get; init; }

    public long UnobservedTaskExceptions { get; init; }

    /// <summary>Gets the warnings and errors logged during the cycles.</summary>
    public long Warnings { get; init; }

    public IReadOnlyList<string> FirstWarnings { get; init; } = [];

    public long Cycles => Samples[^1].Cycle;

    public TimeSpan Wall => Samples[^1].Elapsed;

    public ResourceSample Start => Samples[0];

    public ResourceSample End => Samples[^1];

    public double AllocatedPerCycle => Rate(Samples[0], End, s => s.AllocatedBytes);

    public double FirstSegmentAllocated => Rate(Samples[0], Samples[1], s => s.AllocatedBytes);

    public double LastSegmentAllocated => Rate(Samples[^2], End, s => s.AllocatedBytes);

    public double StoreCallsPerCycle => Rate(Samples[0], End, s => s.StoreCalls);

    public double RequestsPerCycle => Rate(Samples[0], End, s => s.Requests);

    public IReadOnlyList<SoakCheck> Checks
    {
        get
        {
            var s = Settings;
            var first = Start;
            var allocationBound = (FirstSegmentAllocated * (1 + s.AllocationGrowth)) + s.AllocationSlack;
            var addedThreads = Math.Max(0, End.PoolThreads - first.PoolThreads);
            var heapBound = first.HeapBytes + s.HeapGrowth + (addedThreads * s.HeapPerAddedThread);
            return
            [
                new("allocated bytes / cycle", Bytes(FirstSegmentAllocated), Bytes(LastSegmentAllocated), $"≤ first × {1 + s.AllocationGrowth:0.##} + {s.AllocationSlack} B", LastSegmentAllocated <= allocationBound),
                new("heap after full GC", Kib(first.HeapBytes), Kib(End.HeapBytes), $"≤ first + {Kib(s.HeapGrowth)} + {Kib(s.HeapPerAddedThread)} × {addedThreads} added pool threads", End.HeapBytes <= heapBound),
                Level("timers (Timer.ActiveCount)", first.Timers, End.Timers, s.CountGrowth),
                Level("clock timers pending", first.ClockTimers, End.ClockTimers, s.CountGrowth),
                Level("open handles", first.Handles, End.Handles, s.HandleGrowth),
                Level("thread-pool threads", first.PoolThreads, End.PoolThreads, s.ThreadGrowth),
                Level("process threads", first.ProcessThreads, End.ProcessThreads, s.ThreadGrowth),
                Level("pending work items", first.PendingWorkItems, End.PendingWorkItems, s.ThreadGrowth),
                Zero("failed refresh passes", FailedPasses),
                Zero("lease failures", LeaseFailures),
                Zero("rotations IOptionsMonitor missed", MissedRotations.Count),
                Zero("unobserved task exceptions", UnobservedTaskExceptions),
                Zero("warnings logged", Warnings),
            ];
        }
    }

    public bool Passed => Checks.All(c => c.Passed);

    /// <summary>Natural collections per generation over the run (without the ones each sample forces).</summary>
    public (int Gen0, int Gen1, int Gen2) Collections
    {
        get
        {
            var induced = ResourceSample.InducedCollections * (Samples.Count - 1);
            return (End.Gen0 - Samples[0].Gen0 - induced, End.Gen1 - Samples[0].Gen1 - induced, End.Gen2 - Samples[0].Gen2 - induced);
        }
    }

    public string FiguresRow()
    {
        var middle = Samples[Samples.Count / 2];
        var (gen0, gen1, gen2) = Collections;
        return string.Create(
            Invariant,
            $"| {Backend} | {Cycles:N0} | {Wall.TotalSeconds:F1} s | {Wall.TotalMicroseconds / Cycles:N0} µs | {StoreCallsPerCycle:F2} | {RequestsPerCycle:F2} | {Bytes(AllocatedPerCycle)} ({Bytes(FirstSegmentAllocated)} → {Bytes(LastSegmentAllocated)}) | " +
            $"{Kib(Samples[0].HeapBytes)} / {Kib(middle.HeapBytes)} / {Kib(End.HeapBytes)} | {Span(s => s.Timers)} | {Span(s => s.ClockTimers)} | {Span(s => s.Handles)} | {Span(s => s.PoolThreads)} | " +
            $"{gen0} / {gen1} / {gen2} | {Rotations - MissedRotations.Count}/{Rotations} | {LeaseRotations} |");

        string Span(Func<ResourceSample, long> metric) => string.Create(Invariant, $"{metric(Start)} → {metric(End)}");
    }

    public IEnumerable<string> CheckRows() =>
        Checks.Select(c => $"| {Backend} | {c.Metric} | {c.First} | {c.Last} | {c.Bound} | {c.Verdict} |");

    /// <summary>A one-paragraph account for a failing assertion.</summary>
    public string Describe() =>
        string.Join(Environment.NewLine, [FiguresHeader, FiguresRow(), string.Empty, ChecksHeader, .. CheckRows(), .. MissedRotations, .. FirstWarnings]);

    private double Rate(ResourceSample from, ResourceSample to, Func<ResourceSample, long> metric) =>
        to.Cycle == from.Cycle ? 0 : (double)(metric(to) - metric(from)) / (to.Cycle - from.Cycle);

    private static SoakCheck Level(string metric, long first, long last, int growth) =>
        new(metric, first.ToString(Invariant), last.ToString(Invariant), $"≤ first + {growth}", last <= first + growth);

    private static SoakCheck Zero(string metric, long count) =>
        new(metric, "0", count.ToString(Invariant), "= 0", count == 0);

    private static string Bytes(double bytes) =>
        bytes >= 10 * 1024 ? string.Create(Invariant, $"{bytes / 1024:N1} KiB") : string.Create(Invariant, $"{bytes:N0} B");

    private static string Kib(long bytes) => string.Create(Invariant, $"{bytes / 1024.0:N0} KiB");
}
