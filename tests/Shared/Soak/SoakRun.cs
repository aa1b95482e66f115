using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Soak;

/// <summary>
/// Runs one backend for many refresh cycles in simulated time through a real host (<c>AddSecretsManager</c> on a
/// <see cref="HostApplicationBuilder"/>, an <see cref="IOptionsMonitor{TOptions}"/> bound to the rotating secret),
/// rotating <c>Soak:Rotating</c> every <see cref="SoakSettings.RotateEvery"/> cycles, and samples the process at the
/// start and at the end of every segment.
/// </summary>
internal static class SoakRun
{
    public static async Task<SoakResult> RunAsync(ISoakBackend backend, SoakSettings settings, Action<string>? progress = null)
    {
        var unobserved = 0L;
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e) => Interlocked.Increment(ref unobserved);
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            var result = await RunCoreAsync(backend, settings, progress);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return result with { UnobservedTaskExceptions = Interlocked.Read(ref unobserved) };
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }
    }

    private static async Task<SoakResult> RunCoreAsync(ISoakBackend backend, SoakSettings settings, Action<string>? progress)
    {
        var name = $"soak-{backend.Name.ToLowerInvariant()}-{Guid.NewGuid():N}"[..24];
        var time = new ManualTimeProvider();
        using var log = new SoakLog();
        using var driver = new RefreshCycleDriver(time, settings.RefreshInterval, backend.Sources, s => s == name || backend.OwnsSource(s), () => backend.InFlight);
        backend.RequestStarted = driver.FollowedUp;
        backend.RequestEnded = driver.Pulse;
        await backend.StartAsync(time, Value(0));

        // AddSecretsManager loads the sources now (blocking); off the caller's thread, as a host's Main would be.
        var host = await Task.Run(() =>
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.AddSecretsManager(s =>
            {
                s.TimeProvider = driver.Clock;
                backend.AddSource(s, o =>
                {
                    o.Name = name;
                    o.RefreshInterval = settings.RefreshInterval;
                    o.RefreshJitter = 0; // Every poll exactly one interval after the last: one clock step is one cycle.
                });
            });
            builder.Logging.AddProvider(log);
            builder.Services.Configure<SoakOptions>(builder.Configuration.GetSection("Soak"));
            return builder.Build();
        });

        var samples = new List<ResourceSample>(settings.Segments + 1);
        var rotations = 0;
        var missed = new List<string>();
        long optionChanges = 0;
        var wall = new Stopwatch();
        try
        {
            await host.StartAsync();
            var monitor = host.Services.GetRequiredService<IOptionsMonitor<SoakOptions>>();
            if (monitor.CurrentValue.Rotating != Value(0))
            {
                throw new InvalidOperationException($"{backend.Name}: Soak:Rotating is '{monitor.CurrentValue.Rotating}' after startup, not '{Value(0)}'.");
            }

            string? seen = null;
            using var subscription = monitor.OnChange(o =>
            {
                Interlocked.Increment(ref optionChanges);
                Volatile.Write(ref seen, o.Rotating);
            });

            await driver.BeginAsync();
            log.Recording = true;
            var perSegment = settings.Cycles / settings.Segments;
            for (var cycle = 1 - settings.Warmup; cycle <= settings.Cycles; cycle++)
            {
                string? rotated = null;
                if ((cycle + settings.Warmup) % settings.RotateEvery == 0)
                {
                    rotated = Value(++rotations);
                    backend.Rotate(rotated);
                }

                try
                {
                    await driver.CycleAsync();
                }
                catch (TimeoutException ex)
                {
                    throw new TimeoutException($"{backend.Name}: {ex.Message} Logged: {string.Join(" | ", log.First)}", ex);
                }

                if (rotated is not null && (Volatile.Read(ref seen) != rotated || monitor.CurrentValue.Rotating != rotated) && missed.Count < 5)
                {
                    missed.Add($"cycle {cycle}: wrote '{rotated}', IOptionsMonitor saw '{Volatile.Read(ref seen)}', CurrentValue '{monitor.CurrentValue.Rotating}'");
                }

                if (cycle == 0)
                {
                    backend.TrimHistory();
                    wall.Start();
                    samples.Add(ResourceSample.Take(0, wall, time, driver.StoreCalls, backend.Requests));
                }
                else if (cycle > 0 && cycle % perSegment == 0)
                {
                    backend.TrimHistory();
                    var sample = ResourceSample.Take(cycle, wall, time, driver.StoreCalls, backend.Requests);
                    samples.Add(sample);
                    var previous = samples[^2];
                    progress?.Invoke($"{backend.Name}: cycle {cycle:N0}, {sample.Elapsed.TotalSeconds:F1} s, {(double)(sample.AllocatedBytes - previous.AllocatedBytes) / (cycle - previous.Cycle):N0} B/cycle, heap {sample.HeapBytes / 1024.0:N0} KiB, timers {sample.Timers}, clock timers {sample.ClockTimers}, handles {sample.Handles}");
                }
            }

            wall.Stop();
            log.Recording = false;
        }
        finally
        {
            using var stopping = new CancellationTokenSource(RefreshCycleDriver.Guard);
            await host.StopAsync(stopping.Token);
            host.Dispose();
            backend.RequestStarted = null;
            backend.RequestEnded = null;
            await backend.DisposeAsync();
        }

        return new SoakResult(backend.Name, settings, samples)
        {
            Rotations = rotations,
            MissedRotations = missed,
            OptionChanges = Interlocked.Read(ref optionChanges),
            ChangedPasses = driver.Changed,
            FailedPasses = driver.Failed,
            LeaseEvents = driver.LeaseEvents,
            LeaseRotations = driver.LeaseRotations,
            LeaseFailures = driver.LeaseFailures,
            Reloads = driver.Reloads,
            Warnings = log.Count,
            FirstWarnings = [.. log.First],
        };
    }

    private static string Value(int rotation) => "rotation-" + rotation.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
