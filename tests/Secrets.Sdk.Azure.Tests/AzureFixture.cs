using Azure.Core.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Azure.Tests;

/// <summary>
/// The Key Vault emulator on HTTPS plus what a client needs to use it unmodified: a transport that trusts exactly the
/// emulator's generated certificate, <c>DisableChallengeResourceVerification</c> (the challenge names vault.azure.net,
/// the host is 127.0.0.1) and a credential returning the emulator's fixed token.
/// </summary>
internal sealed class AzureFixture : IAsyncDisposable
{
    private readonly HttpClient _http;

    private AzureFixture(ManualTimeProvider time, AzureKeyVaultEmulator vault)
    {
        Time = time;
        Vault = vault;
        _http = new HttpClient(EmulatorCertificate.TrustingHandler(vault.Certificate));
        Transport = new HttpClientTransport(_http);
    }

    public ManualTimeProvider Time { get; }

    public AzureKeyVaultEmulator Vault { get; }

    public HttpClientTransport Transport { get; }

    public FixedTokenCredential Credential { get; } = new(AzureKeyVaultEmulator.AccessToken);

    public CapturingLoggerProvider Logs { get; } = new();

    public static async Task<AzureFixture> StartAsync()
    {
        var time = new ManualTimeProvider();
        var fixture = new AzureFixture(time, new AzureKeyVaultEmulator(time));
        await fixture.Vault.StartAsync();
        return fixture;
    }

    /// <summary>Sets a secret and moves the clock one second on, so the next write has a later <c>updated</c> attribute.</summary>
    public string SetSecret(string name, string value, string? contentType = null)
    {
        var version = Vault.SetSecret(name, value, contentType);
        Time.Advance(TimeSpan.FromSeconds(1));
        return version;
    }

    public IConfigurationRoot Build(Action<AzureKeyVaultSourceOptions> configure) =>
        new ConfigurationBuilder().AddSecretsManager(s =>
        {
            s.TimeProvider = Time;
            s.LoggerFactory = Logs;
            s.AddAzureKeyVault(Vault.VaultUri, Credential, o => Configure(o, configure));
        }).Build();

    public IHost BuildHost(Action<AzureKeyVaultSourceOptions> configure, Action<IHostApplicationBuilder> more)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(Logs);
        builder.AddSecretsManager(s =>
        {
            s.TimeProvider = Time;
            s.AddAzureKeyVault(Vault.VaultUri, Credential, o => Configure(o, configure));
        });
        more(builder);
        return builder.Build();
    }

    public void Configure(AzureKeyVaultSourceOptions o, Action<AzureKeyVaultSourceOptions> configure)
    {
        o.ClientOptions.Transport = Transport;
        o.ClientOptions.DisableChallengeResourceVerification = true;
        o.RefreshInterval = null;
        o.Resilience.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
        o.Resilience.CircuitBreakerEnabled = false;
        configure(o);
    }

    public async ValueTask DisposeAsync()
    {
        await Vault.DisposeAsync();
        _http.Dispose();
    }
}
