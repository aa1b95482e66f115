using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Hosting;

public sealed class HostOptionsMonitorTests
{
    [Fact]
    public async Task Host_OneRotation_GivesExactlyOneOptionsMonitorChange_NoOpRefreshGivesNone()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("Database", """{"Username":"app","Password":"p1"}""");
        using var host = BuildHost(time, store);
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<DatabaseOptions>>();
        var manager = host.Services.GetRequiredService<ISecretsManager>();
        var changes = new List<string?>();
        using var subscription = monitor.OnChange(o => { lock (changes) { changes.Add(o.Password); } });
        Assert.Equal("p1", monitor.CurrentValue.Password);

        await manager.RefreshAsync();
        await manager.RefreshAsync();
        Assert.Empty(changes);

        store.Set("Database", """{"Username":"app","Password":"p2"}""");
        await manager.RefreshAsync();
        await manager.RefreshAsync();

        Assert.Equal(["p2"], changes);
        Assert.Equal("p2", monitor.CurrentValue.Password);
        await host.StopAsync();
    }

    [Fact]
    public async Task Host_ReloadDuringRefreshStorm_ReadersNeverSeeHalfAppliedSnapshot()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        const int Keys = 50;
        SetGeneration(store, Keys, 0);
        using var host = BuildHost(time, store);
        await host.StartAsync();
        var config = host.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();
        var manager = host.Services.GetRequiredService<ISecretsManager>();
        using var stop = new CancellationTokenSource();
        var torn = 0;
        var reads = 0L;

        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                // Every key of one secret carries the same generation: a torn read would mix generations.
                var first = config["Bulk:k00"];
                for (var k = 1; k < Keys; k++)
                {
                    var value = config[$"Bulk:k{k:D2}"];
                    if (value != first && string.CompareOrdinal(value, first) < 0)
                    {
                        Interlocked.Increment(ref torn);
                    }
                }

                Interlocked.Increment(ref reads);
                Thread.Yield(); // Two cores: let the refreshes run too.
            }
        })).ToArray();

        for (var generation = 1; generation <= 30; generation++)
        {
            SetGeneration(store, Keys, generation);
            await manager.RefreshAsync();
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.Equal(0, torn);
        Assert.True(Interlocked.Read(ref reads) > 0);
        Assert.Equal("g030", config["Bulk:k49"]);
        await host.StopAsync();
    }

    [Fact]
    public async Task Host_HealthCheck_DegradedThenUnhealthyAsDataAges_HealthyAfterRecovery()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("A", "1");
        using var host = BuildHost(time, store, o =>
        {
            o.DegradedAfter = TimeSpan.FromMinutes(10);
            o.UnhealthyAfter = TimeSpan.FromMinutes(30);
        });
        await host.StartAsync();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var manager = host.Services.GetRequiredService<ISecretsManager>();
        var config = host.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();

        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);

        store.FailEverything();
        await manager.RefreshAsync();
        time.AdvanceTo(time.GetUtcNow() + TimeSpan.FromMinutes(11));
        await manager.RefreshAsync();
        var degraded = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Equal("1", config["A"]);

        time.AdvanceTo(time.GetUtcNow() + TimeSpan.FromMinutes(20));
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync()).Status);
        Assert.Equal("1", config["A"]);

        store.ClearFailures();
        await manager.RefreshAsync();
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);
        await host.StopAsync();
    }

    [Fact]
    public void Host_RequiredSourceDown_FailsStartupNamingSourceAndCause()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("orders-store", time);
        store.Set("A", "1");
        store.FailEverything(SecretErrorKind.AccessDenied);

        var ex = Assert.Throws<SecretsLoadException>(() => BuildHost(time, store));

        Assert.Equal("orders-store", ex.SourceName);
        Assert.Contains("orders-store", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AccessDenied", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_RequiredSecretDown_FailsStartupNamingTheSecret()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("Good", "1");
        store.Set("Db/Password", "p");
        store.FailSecret("Db/Password", SecretErrorKind.AccessDenied);

        var ex = Assert.Throws<SecretsLoadException>(() => BuildHost(time, store));

        Assert.Equal("Db/Password", ex.SecretName);
        Assert.Contains("'Db/Password'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AccessDenied", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_OptionalSourceDown_StartsLogsAndLoadsLaterWhenBackendRecovers()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("optional-store", time);
        store.Set("A", "1");
        store.FailEverything();
        var logs = new CapturingLoggerProvider();
        using var host = BuildHost(time, store, o => o.Optional = true, logs);
        await host.StartAsync();
        var config = host.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();
        var manager = host.Services.GetRequiredService<ISecretsManager>();

        Assert.Null(config["A"]);
        Assert.Contains(logs.Messages, m => m.Contains("Optional source optional-store could not be loaded", StringComparison.Ordinal));
        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, health.Status);

        store.ClearFailures();
        await manager.RefreshAsync();
        Assert.Equal("1", config["A"]);
        await host.StopAsync();
    }

    [Fact]
    public async Task Host_OptionalSecretFails_HostStartsWithOtherSecrets()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("Good", "1");
        store.Set("Maybe", "2", optional: true);
        store.FailSecret("Maybe");

        using var host = BuildHost(time, store);
        await host.StartAsync();
        var config = host.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();

        Assert.Equal("1", config["Good"]);
        Assert.Null(config["Maybe"]);
        await host.StopAsync();
    }

    internal static IHost BuildHost(ManualTimeProvider time, InMemorySecretStore store, Action<SecretSourceOptions>? configure = null, CapturingLoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.AddSecretsManager(s =>
        {
            s.TimeProvider = time;
            s.AddStore(store, TestConfig.Options(configure));
        });
        builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection("Database"));
        return builder.Build();
    }

    private static void SetGeneration(InMemorySecretStore store, int keys, int generation)
    {
        var json = "{" + string.Join(",", Enumerable.Range(0, keys).Select(k => $"\"k{k:D2}\":\"g{generation:D3}\"")) + "}";
        store.Set("Bulk", json);
    }

    public sealed class DatabaseOptions
    {
        public string? Username { get; set; }

        public string? Password { get; set; }
    }
}
