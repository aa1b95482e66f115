using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Leases;

public sealed class LeaseBoundsTests
{
    private const string Path = "database/creds/app";

    [Fact]
    public async Task BackendGrantingZeroLeasesForever_GetsBoundedLoggedCountedRotations_EachReplacedLeaseRevoked()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("zero-" + Guid.NewGuid().ToString("N"), time);
        store.SetDynamic(Path, n => $"cred-{n}", ttl: TimeSpan.Zero, maxTtl: TimeSpan.Zero);
        var rotations = new ConcurrentQueue<long>();
        using var listener = CountLeaseEvents(store.Name, rotations);
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));
        var (config, _) = Build(time, store, loggerFactory);
        var end = time.GetUtcNow() + TimeSpan.FromSeconds(60);

        while (time.GetUtcNow() < end)
        {
            await Waits.UntilAsync(() => time.PendingTimers > 0, "the lease loop's next timer");
            var next = time.NextTimerDueAt!.Value;
            time.AdvanceTo(next < end ? next : end);
        }

        var leases = store.LeasesOf(Path);
        await Waits.UntilAsync(() => store.UnrevokedLeases == 1, "every replaced lease to be revoked");
        Assert.InRange(leases.Count - 1, 5, 6); // at most one rotation per 10 s (MinimumRotationInterval)
        Assert.All(leases.SkipLast(1), id => Assert.True(store.IsLeaseRevoked(id), id + " should be revoked"));
        Assert.Equal(leases.Count - 1, rotations.Count);
        Assert.Equal($"cred-{leases.Count}", config["Database"]);
        Assert.Contains(logs.Messages, m => m.Contains("below the 00:00:10 floor", StringComparison.Ordinal));
        Assert.Equal(leases.Count - 1, logs.Messages.Count(m => m.Contains("rotated to a new credential", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task LeaseBelowTheFloor_IsPlannedWithTheFloor_NotRenewedInATightLoop()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("short-" + Guid.NewGuid().ToString("N"), time);
        store.SetDynamic(Path, n => $"cred-{n}", ttl: TimeSpan.FromSeconds(2), maxTtl: TimeSpan.FromHours(1));
        var start = time.GetUtcNow();

        Build(time, store, null);

        // Renewal at 2/3 of the 10 s floor, not of the 2 s the backend granted.
        await Waits.UntilAsync(() => time.PendingTimers == 1, "the renewal timer");
        var due = time.NextTimerDueAt!.Value - start;
        Assert.InRange(due, TimeSpan.FromMilliseconds(6665), TimeSpan.FromMilliseconds(6667));
    }

    [Fact]
    public void LeaseOptions_RejectANonPositiveFloor()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SecretLeaseOptions { MinimumLeaseDuration = TimeSpan.Zero }.Validate());

        Assert.Contains(nameof(SecretLeaseOptions.MinimumLeaseDuration), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialThatCannotBeMapped_IsRevoked_NotLeftToExpire()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("unmappable-" + Guid.NewGuid().ToString("N"), time);
        store.SetDynamic(Path, n => $"credential-{n}", ttl: TimeSpan.FromHours(1), maxTtl: TimeSpan.FromHours(8));
        var options = TestConfig.Options(o =>
        {
            o.Optional = true;
            o.RefreshInterval = null;
            o.MaxSecretBytes = 4; // every credential is over the limit: its secret fails alone
        });

        var config = new ConfigurationBuilder().AddSecretsManager(s =>
        {
            s.TimeProvider = time;
            s.AddStore(store, options);
        }).Build();

        var lease = Assert.Single(store.LeasesOf(Path));
        await Waits.UntilAsync(() => store.IsLeaseRevoked(lease), "the unusable credential to be revoked");
        Assert.Null(config["Database"]);
        Assert.Contains(Path, config.GetSecretsManager().Sources[0].FailedSecrets);
    }

    private static (IConfigurationRoot Config, ISecretsManager Manager) Build(ManualTimeProvider time, InMemorySecretStore store, ILoggerFactory? loggerFactory)
    {
        var options = TestConfig.Options(o =>
        {
            o.RefreshInterval = null;
            o.KeyMapper = SecretKeyMapper.Create(_ => "Database");
        });
        options.Leases.Jitter = 0;
        var config = new ConfigurationBuilder()
            .AddSecretsManager(s =>
            {
                s.TimeProvider = time;
                if (loggerFactory is not null)
                {
                    s.LoggerFactory = loggerFactory;
                }

                s.AddStore(store, options);
            })
            .Build();
        return (config, config.GetSecretsManager());
    }

    private static MeterListener CountLeaseEvents(string source, ConcurrentQueue<long> rotations)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SecretsTelemetry.Name && instrument.Name == "secrets.lease.events")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var tagList = tags.ToArray();
            if (tagList.Any(t => t.Key == "source" && Equals(t.Value, source)) && tagList.Any(t => t.Key == "kind" && Equals(t.Value, nameof(SecretLeaseEventKind.Rotated))))
            {
                rotations.Enqueue(value);
            }
        });
        listener.Start();
        return listener;
    }
}
