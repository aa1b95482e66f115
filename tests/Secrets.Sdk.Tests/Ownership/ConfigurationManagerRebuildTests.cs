using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Hosting;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Ownership;

public sealed class ConfigurationManagerRebuildTests
{
    [Fact]
    public async Task Host_SourcesInsertedPropertiesChangedAndCleared_RebuiltProviderOwnsFreshStore_RotationReachesOptionsMonitor()
    {
        var time = new ManualTimeProvider();
        var backend = new InMemorySecretStore("rebuilt-" + Guid.NewGuid().ToString("N"), time);
        backend.Set("Database", """{"Username":"app","Password":"p1"}""");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddSecretsManager(s =>
        {
            s.TimeProvider = time;
            s.AddStore(_ => backend.Connect(), TestConfig.Options(o => o.RefreshInterval = TimeSpan.FromMinutes(5)));
        });
        builder.Services.Configure<HostOptionsMonitorTests.DatabaseOptions>(builder.Configuration.GetSection("Database"));
        var configuration = builder.Configuration;

        // What test hosts and WebApplicationFactory do: each change rebuilds every provider and disposes the old ones.
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = [new("Other", "x")] });
        ((IConfigurationBuilder)configuration).Properties["rebuild"] = "yes";
        var sources = configuration.Sources.ToArray();
        configuration.Sources.Clear();
        foreach (var source in sources)
        {
            configuration.Sources.Add(source);
        }

        Assert.True(backend.ClientsCreated >= 4, "every rebuild creates its provider's own store");
        Assert.Equal(1, backend.OpenClients);
        Assert.Equal(1, EngineDiagnostics.For(backend.Name).Runtimes);
        Assert.Equal("p1", configuration["Database:Password"]);

        using var host = builder.Build();
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<HostOptionsMonitorTests.DatabaseOptions>>();
        var manager = host.Services.GetRequiredService<ISecretsManager>();
        var changes = new List<string?>();
        using var subscription = monitor.OnChange(o => { lock (changes) { changes.Add(o.Password); } });
        await Waits.UntilAsync(() => time.PendingTimers == 1, "the one refresh loop of the live provider");

        backend.Set("Database", """{"Username":"app","Password":"p2"}""");
        time.Advance(TimeSpan.FromMinutes(5));
        await Waits.UntilAsync(() => { lock (changes) { return changes.Count == 1; } }, "the rotation to reach IOptionsMonitor");

        Assert.Equal(["p2"], changes);
        Assert.Equal("p2", monitor.CurrentValue.Password);
        Assert.True((await manager.RefreshAsync()).Succeeded);
        Assert.Single(manager.Sources);

        await host.StopAsync();
        Assert.Equal(0, backend.OpenClients);
        Assert.Equal(new EngineCounts(0, 0, 0, 0), EngineDiagnostics.For(backend.Name));
        Assert.Equal("p2", configuration["Database:Password"]);
    }
}
