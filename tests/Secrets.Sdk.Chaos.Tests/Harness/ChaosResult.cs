using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Testing.Emulators.Faults;

namespace Secrets.Sdk.Chaos.Tests.Harness;

/// <summary>What one seed's run saw: faults by kind, staleness, reloads, the health walk across the outage, resources, and every violation.</summary>
internal sealed class ChaosResult(string backend, int seed)
{
    public const string Header =
        "| backend | seed | simulated h | faults injected (by kind) | rotations (mid-refresh) | max staleness (outside outages and storms) | reloads | health across the outage | heap Δ | timers Δ / max manual | fds Δ | clock steps (real s) | result |\n" +
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|";

    private const long MaxHeapGrowth = 8L * 1024 * 1024;
    private const long MaxTimerGrowth = 16;
    private const int MaxHandleGrowth = 16;
    private readonly SortedDictionary<string, int> _faults = new(StringComparer.Ordinal);
    private readonly List<string> _violations = [];
    private TimeSpan _maxStaleness;
    private TimeSpan _maxCalmStaleness;
    private string _row = string.Empty;

    public string Backend => backend;

    public int Seed => seed;

    public IReadOnlyList<string> Violations => _violations;

    public string Row => _row;

    public void Count(string kind) => _faults[kind] = _faults.GetValueOrDefault(kind) + 1;

    public string? KnownDeviation { get; private set; }

    public void Known(string deviation) => KnownDeviation = deviation;

    public void Violation(DateTimeOffset at, string what)
    {
        if (_violations.Count < 20)
        {
            _violations.Add($"{at:HH:mm:ss} {what}");
        }
    }

    public void Staleness(TimeSpan staleness, bool disturbed)
    {
        _maxStaleness = staleness > _maxStaleness ? staleness : _maxStaleness;
        if (!disturbed && staleness > _maxCalmStaleness)
        {
            _maxCalmStaleness = staleness;
        }
    }

    public void Finish(ChaosModel model, int reloads, IReadOnlyList<HealthStatus> walk, ResourceCounts baseline, ResourceCounts end, int maxTimers, long steps, TimeSpan real, EmulatorFaultInjector? faults, TimeSpan simulated)
    {
        foreach (var (kind, n) in faults?.Injected ?? new Dictionary<EmulatorFaultKind, int>())
        {
            _faults[kind.ToString()] = n;
        }

        var faultText = string.Join(", ", _faults.Select(f => $"{f.Key} {f.Value}"));
        _row = string.Create(
            CultureInfo.InvariantCulture,
            $"| {backend} | {seed} | {simulated.TotalHours:0} | {faultText} | {model.Rotations} ({model.MidRefreshRotations}) | {Minutes(_maxStaleness)} ({Minutes(_maxCalmStaleness)}) | {reloads} | {string.Join(" → ", walk)} | {(end.HeapBytes - baseline.HeapBytes) / 1024.0:0} KiB | {end.Timers - baseline.Timers} / {maxTimers} | {end.Handles - baseline.Handles} | {steps} ({real.TotalSeconds:0.0}) | RESULT |");
    }

    public void CheckResources(ResourceCounts baseline, ResourceCounts end)
    {
        if (end.HeapBytes - baseline.HeapBytes > MaxHeapGrowth)
        {
            Violation(DateTimeOffset.MinValue, $"heap grew {(end.HeapBytes - baseline.HeapBytes) / 1024} KiB after the first hour");
        }

        if (end.Timers - baseline.Timers > MaxTimerGrowth)
        {
            Violation(DateTimeOffset.MinValue, $"{end.Timers - baseline.Timers} more real timers than after the first hour");
        }

        if (end.Handles - baseline.Handles > MaxHandleGrowth)
        {
            Violation(DateTimeOffset.MinValue, $"{end.Handles - baseline.Handles} more open file descriptors than after the first hour");
        }

        _row = _row.Replace("RESULT", _violations.Count == 0 ? (KnownDeviation is null ? "pass" : "pass, known deviation*") : $"FAIL ({_violations.Count})", StringComparison.Ordinal);
    }

    private static string Minutes(TimeSpan t) => t.TotalMinutes.ToString("0.0", CultureInfo.InvariantCulture) + " min";
}
