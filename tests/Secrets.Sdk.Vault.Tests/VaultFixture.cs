using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Vault;

namespace Secrets.Sdk.Vault.Tests;

/// <summary>An emulator and a manual clock per test, and helpers to build configurations and hosts over them.</summary>
internal sealed class VaultFixture : IAsyncDisposable
{
    public ManualTimeProvider Time { get; } = new();

    public VaultEmulator Vault { get; private set; } = null!;

    public static async Task<VaultFixture> StartAsync()
    {
        var fixture = new VaultFixture();
        fixture.Vault = new VaultEmulator(fixture.Time);
        await fixture.Vault.StartAsync();
        fixture.Vault.EnableKv("secret", 2);
        return fixture;
    }

    public IConfigurationRoot Build(Action<VaultSourceOptions> configure) =>
        new ConfigurationBuilder().AddSecretsManager(s =>
        {
            s.TimeProvider = Time;
            s.AddVault(v => Configure(v, configure));
        }).Build();

    public IHost BuildHost(Action<VaultSourceOptions> configure, Action<IHostApplicationBuilder>? more = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddSecretsManager(s =>
        {
            s.TimeProvider = Time;
            s.AddVault(v => Configure(v, configure));
        });
        more?.Invoke(builder);
        return builder.Build();
    }

    public async ValueTask DisposeAsync() => await Vault.DisposeAsync();

    private void Configure(VaultSourceOptions v, Action<VaultSourceOptions> configure)
    {
        v.Address = Vault.Address;
        v.Authentication = VaultAuthentication.Token(VaultEmulator.RootToken);
        v.RefreshInterval = null;
        v.RefreshJitter = 0;
        v.Leases.Jitter = 0;
        v.Resilience.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
        v.Resilience.CircuitBreakerEnabled = false;
        configure(v);
    }
}
