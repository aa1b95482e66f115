using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Ownership;

public sealed class FailedBuildCleanupTests
{
    private const string Path = "database/creds/app";

    [Fact]
    public void FailedBuild_TwentyInARow_LeaveNoRuntimeLoopTimerLeaseStoreOrTelemetryEntry()
    {
        var id = Guid.NewGuid().ToString("N");
        var time = new ManualTimeProvider();
        var leased = new InMemorySecretStore("leased-" + id, time);
        leased.SetDynamic(Path, n => $"cred-{n}", ttl: TimeSpan.FromHours(1), maxTtl: TimeSpan.FromHours(10));
        var denied = new InMemorySecretStore("denied-" + id, time);
        denied.Set("A", "1");
        denied.FailEverything(SecretErrorKind.AccessDenied);
        var silent = new InMemorySecretStore("silent-" + id, time);
        silent.Set("B", "2");
        silent.HangEverything();
        var stores = new[] { leased, denied, silent };

        for (var build = 1; build <= 20; build++)
        {
            var ex = Assert.Throws<SecretsLoadException>(() => new ConfigurationBuilder()
                .AddSecretsManager(s =>
                {
                    s.TimeProvider = time;
                    s.AddStore(_ => leased.Connect(), TestConfig.Options(o => o.KeyMapper = SecretKeyMapper.Create(_ => "Database")));
                    s.AddStore(_ => denied.Connect(), TestConfig.Options());
                    s.AddStore(_ => silent.Connect(), TestConfig.Options(o => o.Optional = true));
                })
                .Build());

            // Checked the moment Load() threw: nothing of this build is still alive.
            Assert.True("denied-" + id == ex.SourceName, ex.Message);
            Assert.Equal(build, leased.LeasesOf(Path).Count);
            Assert.Equal(0, leased.UnrevokedLeases);
            Assert.All(stores, s => Assert.Equal(0, s.OpenClients));
            Assert.All(stores, s => Assert.Equal(build, s.ClientsCreated));
            Assert.Equal(0, silent.HangingCalls);
            Assert.Equal(0, time.PendingTimers);
            Assert.All(stores, s => Assert.Equal(new EngineCounts(0, 0, 0, 0), EngineDiagnostics.For(s.Name)));
        }
    }

    [Fact]
    public void FailedBuild_StoreFactoryThrows_DisposesStoresAlreadyCreated()
    {
        var time = new ManualTimeProvider();
        var first = new InMemorySecretStore("first-" + Guid.NewGuid().ToString("N"), time);

        Assert.Throws<InvalidOperationException>(() => new ConfigurationBuilder()
            .AddSecretsManager(s =>
            {
                s.TimeProvider = time;
                s.AddStore(_ => first.Connect(), TestConfig.Options());
                s.AddStore(_ => throw new InvalidOperationException("factory failed"), TestConfig.Options());
            })
            .Build());

        Assert.Equal(1, first.ClientsCreated);
        Assert.Equal(0, first.OpenClients);
        Assert.Equal(new EngineCounts(0, 0, 0, 0), EngineDiagnostics.For(first.Name));
    }

    [Fact]
    public async Task Dispose_CancelsAndWaitsForTheRefreshInFlight_ThenDisposesTheStore()
    {
        var time = new ManualTimeProvider();
        var backend = new InMemorySecretStore("dispose-" + Guid.NewGuid().ToString("N"), time);
        backend.Set("A", "1");
        var config = new ConfigurationBuilder()
            .AddSecretsManager(s =>
            {
                s.TimeProvider = time;
                s.AddStore(_ => backend.Connect(), TestConfig.Options());
            })
            .Build();
        var manager = config.GetSecretsManager();
        backend.HangEverything();
        var refresh = manager.RefreshAsync();
        await Waits.UntilAsync(() => backend.HangingCalls == 1, "the refresh to reach the silent backend");

        ((IDisposable)config).Dispose();

        // Dispose returned only after the refresh ended: no call still hangs, nothing is left running.
        Assert.Equal(0, backend.HangingCalls);
        Assert.True(refresh.IsCompleted);
        Assert.False((await refresh).Succeeded);
        Assert.Equal(0, backend.OpenClients);
        Assert.Equal(0, time.PendingTimers);
        Assert.Equal(new EngineCounts(0, 0, 0, 0), EngineDiagnostics.For(backend.Name));
        Assert.Equal("1", config["A"]);
    }

    [Fact]
    public async Task AddStoreInstance_IsCallerOwned_NeverDisposed()
    {
        var time = new ManualTimeProvider();
        var backend = new InMemorySecretStore("owned-" + Guid.NewGuid().ToString("N"), time);
        backend.Set("A", "1");
        using var client = backend.Connect();
        var config = new ConfigurationBuilder()
            .AddSecretsManager(s =>
            {
                s.TimeProvider = time;
                s.AddStore(client, TestConfig.Options());
            })
            .Build();

        await ((IAsyncDisposable)config.Providers.Single()).DisposeAsync();

        Assert.False(client.IsDisposed);
        Assert.Equal(new EngineCounts(0, 0, 0, 0), EngineDiagnostics.For(backend.Name));
    }
}
