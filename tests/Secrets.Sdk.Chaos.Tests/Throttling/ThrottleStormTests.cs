using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Azure;
using Secrets.Sdk.Chaos.Tests.Backends;
using Secrets.Sdk.Chaos.Tests.Harness;
using Secrets.Sdk.Testing.Emulators.Faults;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Chaos.Tests.Throttling;

/// <summary>
/// A 429 storm (Retry-After: 30) against one endpoint with 20 secrets, for GCP (through the backend kit's client) and Azure
/// Key Vault (through the real <c>SecretClient</c>'s pipeline): the shared throttle gate backs the whole process off, so
/// the emulator sees one probe per closed window instead of 20 secrets × retries, and no value is lost or counted as a
/// failure for having been held back.
/// </summary>
public sealed class ThrottleStormTests
{
    private const int SecretCount = 20;
    private const int Concurrency = 4;
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("GCP")]
    [InlineData("Azure")]
    public async Task StormShorterThanTheRetries_OneProbePerWindow_ThenEverySecretLoadsInTheSamePass(string backend)
    {
        await using var fixture = await StormFixture.StartAsync(backend);
        var stormStart = fixture.Time.GetUtcNow();
        fixture.Storm(until: stormStart + TimeSpan.FromSeconds(45));
        fixture.RotateAll("v2");
        var before = fixture.Emulator.Handled;

        var refresh = fixture.Manager.RefreshAsync();
        await fixture.Driver.RunUntilAsync(refresh);
        var result = await refresh;

        // The first reads in flight (the source reads 4 at a time; a read that reaches the gate after the first 429
        // came back is held, so 1 to 4 of them) are throttled; the gate then holds every read back until Retry-After,
        // sends one probe at +30 s (throttled again), and at +60 s one probe that succeeds and lets all 20 through:
        // first wave + 1 + 20 requests. Without the gate, each secret would spend its own retries (24 throttled).
        var sent = fixture.Emulator.Handled - before;
        var throttled = fixture.Emulator.Count(EmulatorFaultKind.Throttled);
        Assert.InRange(throttled, 2, Concurrency + 1);
        Assert.Equal(throttled + SecretCount, sent);
        Assert.True(result.Succeeded, string.Join("; ", result.Failures.Values.Select(e => e.Message)));
        fixture.AssertEvery("v2");
        Assert.Empty(fixture.Manager.Sources[0].FailedSecrets);
    }

    [Theory]
    [InlineData("GCP")]
    [InlineData("Azure")]
    public async Task StormLongerThanTheRetries_NoValueLost_HeldReadsAreNotFailures_ThenEverySecretLoads(string backend)
    {
        await using var fixture = await StormFixture.StartAsync(backend);
        var stormStart = fixture.Time.GetUtcNow();
        fixture.Storm(until: stormStart + TimeSpan.FromMinutes(10));
        fixture.RotateAll("v2");
        var before = fixture.Emulator.Handled;

        var stormy = fixture.Manager.RefreshAsync();
        await fixture.Driver.RunUntilAsync(stormy);
        var result = await stormy;

        // The pass reads 4 secrets at a time, each with 3 retries after Retry-After, so it runs for several windows; the
        // emulator sees the first reads (up to 4) and then at most one probe per 30-second window, not 20 secrets × 4 attempts.
        var sent = fixture.Emulator.Handled - before;
        var windows = (int)Math.Ceiling((fixture.Time.GetUtcNow() - stormStart) / RetryAfter);
        Assert.True(windows >= 3, $"the pass ran {windows} windows");
        Assert.InRange(sent, 2, Concurrency + windows);
        Assert.True(sent < SecretCount, $"{sent} requests reached the emulator");
        Assert.False(result.Succeeded);
        fixture.AssertEvery("v1");

        // A read held back by the gate is not the secret's failure; only a secret whose last attempt was itself a probe
        // answered 429 is listed (and it keeps its value).
        var status = fixture.Manager.Sources[0];
        Assert.InRange(status.FailedSecrets.Count, 0, (int)sent - 1);
        Assert.All(status.FailedSecretErrorKinds.Values, kind => Assert.Equal(nameof(SecretErrorKind.Throttled), kind));

        await fixture.Driver.AdvanceToAsync(stormStart + TimeSpan.FromMinutes(10));
        var calm = fixture.Manager.RefreshAsync();
        await fixture.Driver.RunUntilAsync(calm);

        Assert.True((await calm).Succeeded);
        fixture.AssertEvery("v2");
        Assert.Empty(fixture.Manager.Sources[0].FailedSecrets);
    }

    /// <summary>A backend's emulator with 20 secrets, a source reading 4 at a time with the default retry policy, and a clock driver.</summary>
    private sealed class StormFixture : IAsyncDisposable
    {
        private readonly EmulatorChaosBackend _backend;
        private IConfigurationRoot _config = null!;

        private StormFixture(EmulatorChaosBackend backend, ManualTimeProvider time)
        {
            _backend = backend;
            Time = time;
            Driver = new SimulationDriver(time, () => backend.Busy, () => backend.Activity);
        }

        public ManualTimeProvider Time { get; }

        public EmulatorFaultInjector Emulator => _backend.Faults!;

        public SimulationDriver Driver { get; }

        public ISecretsManager Manager { get; private set; } = null!;

        public static async Task<StormFixture> StartAsync(string backend)
        {
            var time = new ManualTimeProvider();
            var fixture = new StormFixture(backend == "Azure" ? new AzureChaosBackend() : new GcpChaosBackend(), time);
            await fixture._backend.StartAsync(time);
            for (var i = 0; i < SecretCount; i++)
            {
                fixture._backend.Write(Name(i), "v1");
            }

            fixture._config = new ConfigurationBuilder().AddSecretsManager(s =>
            {
                s.TimeProvider = fixture.Time;
                fixture._backend.AddSource(s, o =>
                {
                    o.RefreshInterval = null;
                    o.MaxConcurrency = Concurrency;
                    if (o is AzureKeyVaultSourceOptions azure)
                    {
                        // Named secrets: each refresh is 20 Get Secret calls, 4 at a time, as GCP's (a listing would be
                        // one request, which the gate cannot be told apart on).
                        for (var i = 0; i < SecretCount; i++)
                        {
                            azure.AddSecret(Name(i));
                        }
                    }
                });
            }).Build();
            fixture.Manager = fixture._config.GetSecretsManager();
            fixture.AssertEvery("v1");
            return fixture;
        }

        public void Storm(DateTimeOffset until) =>
            Emulator.Policy = _ => Time.GetUtcNow() < until ? EmulatorFault.Throttled(RetryAfter) : null;

        public void RotateAll(string value)
        {
            for (var i = 0; i < SecretCount; i++)
            {
                _backend.Write(Name(i), value);
            }
        }

        public void AssertEvery(string value)
        {
            for (var i = 0; i < SecretCount; i++)
            {
                Assert.Equal(value, _config[Name(i)]);
            }
        }

        public async ValueTask DisposeAsync()
        {
            (_config as IDisposable)?.Dispose();
            await _backend.DisposeAsync();
        }

        private static string Name(int i) => $"secret{i:00}";
    }
}
