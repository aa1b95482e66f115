using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Gcp;
using Secrets.Sdk.Http;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Gcp.Tests;

internal sealed class GcpFixture : IAsyncDisposable
{
    public ManualTimeProvider Time { get; } = new();

    public GcpEmulator Gcp { get; } = new();

    public static async Task<GcpFixture> StartAsync()
    {
        var fixture = new GcpFixture();
        await fixture.Gcp.StartAsync();
        return fixture;
    }

    /// <summary>A credential holding the emulator's token: no network, no token endpoint.</summary>
    public static GcpCredential Credential(string token = GcpEmulator.Token) => GcpCredential.FromAccessToken(token);

    public IConfigurationRoot Build(Action<GcpSecretManagerSourceOptions> configure) =>
        new ConfigurationBuilder().AddSecretsManager(s =>
        {
            s.TimeProvider = Time;
            s.AddGcpSecretManager(o => Configure(o, configure));
        }).Build();

    public IHost BuildHost(Action<GcpSecretManagerSourceOptions> configure, Action<IHostApplicationBuilder> more)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddSecretsManager(s =>
        {
            s.TimeProvider = Time;
            s.AddGcpSecretManager(o => Configure(o, configure));
        });
        more(builder);
        return builder.Build();
    }

    public GcpRestClient RestClient(string service = "GCP Secret Manager", string token = GcpEmulator.Token) =>
        new(BackendHttpClient.Create(Gcp.Address, service, "gcp-test", new BackendHttpOptions(), BackendRedirectPolicy.Never, Time), Credential(token));

    public ValueTask DisposeAsync() => Gcp.DisposeAsync();

    private void Configure(GcpSecretManagerSourceOptions o, Action<GcpSecretManagerSourceOptions> configure)
    {
        o.ProjectId = GcpEmulator.ProjectId;
        o.Endpoint = Gcp.Address;
        o.Credential = Credential();
        o.RefreshInterval = null;
        o.Resilience.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
        o.Resilience.CircuitBreakerEnabled = false;
        configure(o);
    }
}
