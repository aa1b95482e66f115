using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Testing.Emulators.Faults;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Chaos.Tests.Harness;

/// <summary>
/// Runs one backend through one seed's <see cref="ChaosPlan"/> and checks, at every simulated minute: no value lost or
/// reverted, staleness within what health admits, health exactly as <see cref="SecretsHealthCheck"/>'s rules say (and
/// all the way down and back up across the outage), no secret value in any log line or health text; at the end: no
/// unobserved task exception and flat heap, timer and file-handle counts.
/// </summary>
internal static class ChaosRun
{
    /// <summary>The longest a refresh pass can take (retries waiting out Retry-After and attempt timeouts).</summary>
    private static readonly TimeSpan PassSlack = TimeSpan.FromMinutes(3);

    private static readonly TimeSpan SampleEvery = TimeSpan.FromMinutes(1);

    public static async Task<ChaosResult> RunAsync(IChaosBackend backend, int seed, IReadOnlyList<string> secrets)
    {
        var unobserved = 0;
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e) => Interlocked.Increment(ref unobserved);
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            return await RunCoreAsync(backend, seed, secrets, () => Volatile.Read(ref unobserved));
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }
    }

    private static async Task<ChaosResult> RunCoreAsync(IChaosBackend backend, int seed, IReadOnlyList<string> secrets, Func<int> unobserved)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var time = new ManualTimeProvider();
        var start = time.GetUtcNow();
        var plan = new ChaosPlan(seed, start);
        var result = new ChaosResult(backend.Name, seed);
        var logs = new LogCapture();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        using var meter = new MeterListener();
        long calls = 0;
        meter.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Secrets.Sdk")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meter.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref calls));
        meter.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref calls));
        meter.SetMeasurementEventCallback<int>((_, _, _, _) => Interlocked.Increment(ref calls));
        meter.Start();

        await backend.StartAsync(time);
        var model = new ChaosModel(backend, new Random(seed ^ 0x5eed), time);
        foreach (var secret in secrets)
        {
            model.Create(secret);
        }

        var storm = new StormPolicy(seed, model);
        if (backend.Faults is { } faults)
        {
            faults.Policy = storm.Decide;
        }

        var driver = new SimulationDriver(time, () => backend.Busy, () => backend.Activity + Interlocked.Read(ref calls));
        var configuration = await BuildAsync(driver, backend, loggerFactory);
        var manager = configuration.GetSecretsManager();
        var reloads = 0;
        using var reloadRegistration = ChangeToken.OnChange(configuration.GetReloadToken, () => Interlocked.Increment(ref reloads));
        var health = new SecretsHealthCheck(manager, time);
        var served = secrets.ToDictionary(s => s, _ => -1, StringComparer.Ordinal);
        var outageWalk = new List<HealthStatus>();
        var extras = new Random(seed ^ 0xe7a);
        ResourceCounts? baseline = null;
        var rotationIndex = 0;
        var extraIndex = 0;
        var maxTimers = 0;

        for (var at = start + SampleEvery; at <= start + ChaosPlan.Duration; at += SampleEvery)
        {
            // Events due before this sample, in time order.
            while (true)
            {
                var nextRotation = rotationIndex < plan.Rotations.Count ? plan.Rotations[rotationIndex] : DateTimeOffset.MaxValue;
                var nextExtra = extraIndex < plan.Extras.Count ? plan.Extras[extraIndex] : DateTimeOffset.MaxValue;
                var next = nextRotation < nextExtra ? nextRotation : nextExtra;
                if (next > at)
                {
                    break;
                }

                await driver.AdvanceToAsync(next);
                if (next == nextRotation)
                {
                    model.RotateRandom(midRefresh: false);
                    rotationIndex++;
                }
                else
                {
                    if (!plan.Disturbed(next) && !plan.Disturbed(next + ChaosPlan.Recovery) && backend.ExtraFault(extras) is { } kind)
                    {
                        result.Count(kind);
                    }

                    extraIndex++;
                }
            }

            await driver.AdvanceToAsync(at);
            storm.Set(plan.Storms.FirstOrDefault(s => at >= s.Start && at < s.End).Rate);
            if (at == plan.OutageStart)
            {
                backend.BeginOutage();
                result.Count("outage: " + backend.OutageKind);
            }
            else if (at == plan.OutageEnd)
            {
                backend.EndOutage();
            }

            // Sample.
            var now = time.GetUtcNow();
            var statuses = manager.Sources;
            var report = await health.CheckHealthAsync(new HealthCheckContext());
            var expected = ExpectedHealth(statuses, now);
            var stormy = plan.Disturbed(now);
            if (report.Status != expected)
            {
                result.Violation(now, $"health {report.Status}, but the rules give {expected} ({report.Description})");
            }

            var oldestSuccess = statuses.Min(s => s.LastSuccessAt) ?? start;
            foreach (var secret in secrets)
            {
                var value = configuration[backend.KeyOf(secret)];
                var version = model.VersionOf(secret, value);
                if (version < 0)
                {
                    result.Violation(now, $"{secret}: {(value is null ? "value lost" : "a value the store never held")}");
                    continue;
                }

                if (version < served[secret])
                {
                    result.Violation(now, $"{secret}: reverted from version {served[secret] + 1} to {version + 1}");
                }

                served[secret] = Math.Max(served[secret], version);
                var staleness = model.Staleness(secret, version, now);
                result.Staleness(staleness, stormy);
                var age = now - oldestSuccess;
                var bound = report.Status switch
                {
                    HealthStatus.Healthy => ChaosPlan.DegradedAfter + PassSlack,
                    HealthStatus.Degraded => ChaosPlan.UnhealthyAfter + PassSlack,
                    _ => TimeSpan.MaxValue,
                };
                var failing = statuses.Any(s => s.FailedSecrets.Count > 0); // a failing secret keeps its last good value by design
                var pinned = backend.KnownOutageDeviation is not null && now >= plan.OutageStart && now < plan.OutageEnd + ChaosPlan.Recovery;
                if (!pinned && (staleness > bound || (!failing && staleness > age + PassSlack)))
                {
                    result.Violation(now, $"{secret}: {staleness} stale while health is {report.Status} and the data is {age} old");
                }
            }

            if (backend.Check(configuration, stormy) is { } problem)
            {
                result.Violation(now, problem);
            }

            if (now >= plan.OutageStart - ChaosPlan.RefreshInterval && now <= plan.OutageEnd + ChaosPlan.Recovery && (outageWalk.Count == 0 || outageWalk[^1] != report.Status))
            {
                outageWalk.Add(report.Status);
                if (outageWalk.Count == 1 && report.Status != HealthStatus.Healthy)
                {
                    result.Violation(now, $"health was {report.Status} before the outage began: {report.Description} (requests in flight {backend.Faults?.InFlight}, held {backend.Faults?.Held}; timers due {string.Join(", ", time.PendingDueTimes.Select(t => t.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)))})");
                }
            }

            if (report.Description is { } text && model.AllValues.Any(v => text.Contains(v, StringComparison.Ordinal)))
            {
                result.Violation(now, "a secret value in the health report");
            }

            maxTimers = Math.Max(maxTimers, time.PendingTimers);
            if (baseline is null && now - start >= TimeSpan.FromHours(1))
            {
                baseline = ResourceCounts.Take();
            }
        }

        await DisposeAsync(driver, configuration);
        var end = ResourceCounts.Take();
        foreach (var (kind, n) in backend.OwnFaults)
        {
            for (var i = 0; i < n; i++)
            {
                result.Count(kind);
            }
        }

        result.Finish(model, reloads, outageWalk, baseline!.Value, end, maxTimers, driver.Steps, stopwatch.Elapsed, backend.Faults, ChaosPlan.Duration);

        var values = model.AllValues.Concat(backend.Generated).ToArray();
        foreach (var line in logs.Lines)
        {
            if (values.FirstOrDefault(v => line.Contains(v, StringComparison.Ordinal)) is { } leaked)
            {
                result.Violation(start, "a secret value in a log line: " + line.Replace(leaked, "<value>", StringComparison.Ordinal));
            }
        }

        if (backend.KnownOutageDeviation is { } deviation)
        {
            if (!outageWalk.SequenceEqual([HealthStatus.Healthy, HealthStatus.Degraded, HealthStatus.Healthy]))
            {
                result.Violation(plan.OutageStart, $"the known deviation ({deviation}) no longer happens: health went {string.Join(" → ", outageWalk)}; remove KnownOutageDeviation");
            }

            result.Known(deviation);
        }
        else if (!outageWalk.SequenceEqual([HealthStatus.Healthy, HealthStatus.Degraded, HealthStatus.Unhealthy, HealthStatus.Healthy]))
        {
            result.Violation(plan.OutageStart, "health across the outage went " + string.Join(" → ", outageWalk) + ", not Healthy → Degraded → Unhealthy → Healthy");
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        if (unobserved() > 0)
        {
            result.Violation(start, $"{unobserved()} unobserved task exceptions");
        }

        result.CheckResources(baseline.Value, end);
        return result;
    }

    /// <summary><see cref="SecretsHealthCheck"/>'s rules (docs/architecture.md, "Health"), worst source wins.</summary>
    private static HealthStatus ExpectedHealth(IReadOnlyList<SecretSourceStatus> sources, DateTimeOffset now)
    {
        var worst = HealthStatus.Healthy;
        foreach (var source in sources)
        {
            HealthStatus status;
            if (!source.IsLoaded)
            {
                status = source.Optional ? HealthStatus.Degraded : HealthStatus.Unhealthy;
            }
            else
            {
                var age = now - (source.LastSuccessAt ?? now);
                status = age > source.UnhealthyAfter ? HealthStatus.Unhealthy
                    : age > source.DegradedAfter ? HealthStatus.Degraded
                    : source.FailedSecrets.Count > 0 ? HealthStatus.Degraded
                    : source.ConsecutiveFailures > 0 && source.DegradedAfter is null ? HealthStatus.Degraded
                    : HealthStatus.Healthy;
            }

            worst = status < worst ? status : worst;
        }

        return worst;
    }

    private static async Task<IConfigurationRoot> BuildAsync(SimulationDriver driver, IChaosBackend backend, ILoggerFactory loggerFactory)
    {
        var build = Task.Run(() => new ConfigurationBuilder().AddSecretsManager(s =>
        {
            s.TimeProvider = driver.Time;
            s.LoggerFactory = loggerFactory;
            backend.AddSource(s, o =>
            {
                if (o.RefreshInterval is not null)
                {
                    o.RefreshInterval = ChaosPlan.RefreshInterval; // the same interval for every polled backend (Azure's default is 30 min)
                }

                o.DegradedAfter = ChaosPlan.DegradedAfter;
                o.UnhealthyAfter = ChaosPlan.UnhealthyAfter;
            });
        }).Build());
        await driver.RunUntilAsync(build);
        return await build;
    }

    private static async Task DisposeAsync(SimulationDriver driver, IConfigurationRoot configuration)
    {
        var dispose = Task.Run(() => (configuration as IDisposable)?.Dispose());
        await driver.RunUntilAsync(dispose);
    }
}
