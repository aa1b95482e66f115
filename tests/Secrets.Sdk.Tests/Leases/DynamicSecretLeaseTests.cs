using System.Threading.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Leases;

public sealed class DynamicSecretLeaseTests
{
    private const string Path = "database/creds/orders";

    [Fact]
    public async Task DynamicSecret_RenewedUntilMaxTtl_ThenRotatedOnceWithOneReload_OldLeaseRevoked()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("vault-like", time);
        store.SetDynamic(Path, n => $$"""{"username":"u{{n}}","password":"p{{n}}"}""", ttl: TimeSpan.FromHours(1), maxTtl: TimeSpan.FromHours(3));
        var options = LeaseOptions();
        var (config, manager) = TestConfig.Build(time, (store, options));
        var events = Subscribe(manager);
        var reloads = 0;
        ChangeToken.OnChange(config.GetReloadToken, () => Interlocked.Increment(ref reloads));
        AssertCredentialValid(config, store);

        var seen = new List<SecretLeaseEventKind>();
        while (!seen.Contains(SecretLeaseEventKind.Revoked))
        {
            await Waits.UntilAsync(() => time.PendingTimers > 0, "a lease timer");
            time.AdvanceTo(time.NextTimerDueAt!.Value);
            var e = await events.ReadAsync().AsTask().WaitAsync(Waits.Guard);
            seen.Add(e.Kind);
            AssertCredentialValid(config, store);
            while (events.TryRead(out var more))
            {
                seen.Add(more.Kind);
            }

            Assert.True(seen.Count < 20, "the lease should rotate within a few renewals: " + string.Join(",", seen));
        }

        Assert.Equal(
            [SecretLeaseEventKind.Renewed, SecretLeaseEventKind.Renewed, SecretLeaseEventKind.Renewed, SecretLeaseEventKind.RenewalCapped, SecretLeaseEventKind.Rotated, SecretLeaseEventKind.Revoked],
            seen);
        Assert.Equal(1, reloads);
        Assert.Equal("u2", config["Database:username"]);
        var leases = store.LeasesOf(Path);
        Assert.Equal(2, leases.Count);
        Assert.True(store.IsLeaseRevoked(leases[0]));
        Assert.True(store.IsLeaseValid(leases[1]));
    }

    [Fact]
    public async Task DynamicSecret_IsNeverReReadByPolling()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("vault-like", time);
        store.SetDynamic(Path, n => $"cred-{n}", ttl: TimeSpan.FromHours(1), maxTtl: TimeSpan.FromHours(10));
        var (config, manager) = TestConfig.Build(time, (store, LeaseOptions()));

        await manager.RefreshAsync();
        await manager.RefreshAsync();

        Assert.Single(store.LeasesOf(Path));
        Assert.Equal("cred-1", config["Database"]);
    }

    [Fact]
    public async Task DynamicSecret_RenewalKeepsFailing_RotatesBeforeExpiry()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("vault-like", time);
        store.SetDynamic(Path, n => $"cred-{n}", ttl: TimeSpan.FromHours(1), maxTtl: TimeSpan.FromHours(10));
        var options = LeaseOptions();
        options.Leases.MaxRenewalFailures = 2;
        var (config, manager) = TestConfig.Build(time, (store, options));
        var events = Subscribe(manager);

        // The backend is down: renewals fail until the lease manager gives up and rotates.
        store.FailEverything(SecretErrorKind.Unavailable);
        var kinds = new List<SecretLeaseEventKind>();
        while (!kinds.Contains(SecretLeaseEventKind.RenewalFailed) || kinds.Count(k => k == SecretLeaseEventKind.RenewalFailed) < 2)
        {
            await Waits.UntilAsync(() => time.PendingTimers > 0, "a lease timer");
            time.AdvanceTo(time.NextTimerDueAt!.Value);
            kinds.Add((await events.ReadAsync().AsTask().WaitAsync(Waits.Guard)).Kind);
        }

        store.ClearFailures();
        Assert.True(time.GetUtcNow() < DateTimeOffset.Parse("2026-01-01T01:00:00Z", System.Globalization.CultureInfo.InvariantCulture), "rotation must start before the lease expires");
        SecretLeaseEventArgs rotated;
        do
        {
            await Waits.UntilAsync(() => time.PendingTimers > 0, "a rotation attempt");
            time.AdvanceTo(time.NextTimerDueAt!.Value);
            rotated = await events.ReadAsync().AsTask().WaitAsync(Waits.Guard);
        }
        while (rotated.Kind != SecretLeaseEventKind.Rotated);

        Assert.Equal("cred-2", config["Database"]);
        Assert.True(store.IsLeaseValid(rotated.Lease.LeaseId));
    }

    [Fact]
    public async Task NonRenewableLease_IsRotatedBeforeExpiry()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("vault-like", time);
        store.SetDynamic(Path, n => $"cred-{n}", ttl: TimeSpan.FromMinutes(30), maxTtl: TimeSpan.FromMinutes(30), renewable: false);
        var (config, manager) = TestConfig.Build(time, (store, LeaseOptions()));
        var events = Subscribe(manager);

        await Waits.UntilAsync(() => time.PendingTimers > 0, "a lease timer");
        time.AdvanceTo(time.NextTimerDueAt!.Value);
        var e = await events.ReadAsync().AsTask().WaitAsync(Waits.Guard);

        Assert.Equal(SecretLeaseEventKind.Rotated, e.Kind);
        Assert.Equal(0, store.RenewCalls);
        Assert.Equal("cred-2", config["Database"]);
        Assert.True(time.GetUtcNow() < new DateTimeOffset(2026, 1, 1, 0, 30, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Shutdown_WithRevokeOnShutdown_RevokesLiveLeases()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("vault-like", time);
        store.SetDynamic(Path, n => $"cred-{n}", ttl: TimeSpan.FromHours(1), maxTtl: TimeSpan.FromHours(10));
        var options = LeaseOptions();
        options.Leases.RevokeOnShutdown = true;
        var (config, _) = TestConfig.Build(time, (store, options));
        var lease = store.LeasesOf(Path)[0];

        ((IDisposable)config).Dispose();

        Assert.True(store.IsLeaseRevoked(lease));
    }

    private static SecretSourceOptions LeaseOptions()
    {
        var options = TestConfig.Options(o =>
        {
            o.RefreshInterval = null;
            o.KeyMapper = SecretKeyMapper.Create(m => "Database");
        });
        options.Leases.Jitter = 0;
        return options;
    }

    private static ChannelReader<SecretLeaseEventArgs> Subscribe(ISecretsManager manager)
    {
        var channel = Channel.CreateUnbounded<SecretLeaseEventArgs>();
        manager.LeaseChanged += (_, e) => channel.Writer.TryWrite(e);
        return channel.Reader;
    }

    private static void AssertCredentialValid(IConfiguration config, InMemorySecretStore store)
    {
        var username = config["Database:username"];
        Assert.NotNull(username);
        var serial = int.Parse(username.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        var lease = store.LeasesOf(Path)[serial - 1];
        Assert.True(store.IsLeaseValid(lease), $"configuration holds {username}, whose lease {lease} is no longer valid");
    }

}
