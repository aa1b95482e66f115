using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Azure.Core.Pipeline;
using Secrets.Sdk.Gcp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Encryption;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Vault;

namespace Secrets.Sdk.Chaos.Tests.LastKnownGood;

/// <summary>
/// The last-known-good cache at host level, across every backend: a host starts while Vault is sealed, AWS, Azure and
/// GCP are unreachable and the secrets mount is gone; it serves the cached values with Degraded health, then converges
/// to the live values with one reload when they come back.
/// </summary>
public sealed class EveryBackendDownTests : IAsyncDisposable
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(5);

    private readonly ManualTimeProvider _time = new();
    private readonly NetworkOutage _outage = new();
    private readonly VaultEmulator _vault;
    private readonly AwsEmulator _aws;
    private readonly AzureKeyVaultEmulator _azure;
    private readonly GcpEmulator _gcp = new();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "lkg-chaos-" + Guid.NewGuid().ToString("N"));
    private readonly LocalKeyEncryptionKey _kek = new(RandomNumberGenerator.GetBytes(32), "lkg-chaos:v1");
    private readonly LogLines _logs = new();

    public EveryBackendDownTests()
    {
        _vault = new VaultEmulator(_time);
        _aws = new AwsEmulator(_time);
        _azure = new AzureKeyVaultEmulator(_time);
        Directory.CreateDirectory(Mount);
    }

    private string Mount => Path.Combine(_folder, "mount");

    private string Unmounted => Path.Combine(_folder, "unmounted");

    private string CachePath => Path.Combine(_folder, "cache", "secrets.lkg");

    [Fact]
    public async Task EveryBackendDown_ValidCache_ServesCachedValuesDegraded_ThenConvergesToLiveValuesWithOneReload()
    {
        await Task.WhenAll(_vault.StartAsync(), _aws.StartAsync(), _azure.StartAsync(), _gcp.StartAsync());
        _vault.EnableKv("secret", 2);
        _vault.PutKv("secret", "orders/db", new Dictionary<string, string> { ["password"] = "vault-1" });
        _aws.CreateSecret("orders-stripe", "aws-1");
        _azure.SetSecret("orders-smtp", "azure-1");
        _gcp.CreateSecret("orders-maps", Encoding.UTF8.GetBytes("gcp-1"));
        await File.WriteAllTextAsync(Path.Combine(Mount, "Files__Token"), "files-1");

        // A healthy run writes the cache.
        using (var first = BuildHost())
        {
            await first.StartAsync();
            Assert.Equal("vault-1 aws-1 azure-1 gcp-1 files-1", Values(first));
            await Waits.UntilAsync(() => File.Exists(CachePath), "the cache file");
            await first.StopAsync();
        }

        var writtenAt = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromHours(2));

        // Every backend down: Vault sealed, AWS/Azure/GCP unreachable, the mount gone. Meanwhile every secret rotates.
        _vault.Sealed = true;
        _outage.Down = true;
        Directory.Move(Mount, Unmounted);
        _vault.PutKv("secret", "orders/db", new Dictionary<string, string> { ["password"] = "vault-2" });
        _aws.Rotate("orders-stripe", "aws-2");
        _azure.SetSecret("orders-smtp", "azure-2");
        _gcp.AddVersion("orders-maps", Encoding.UTF8.GetBytes("gcp-2"));
        await File.WriteAllTextAsync(Path.Combine(Unmounted, "Files__Token"), "files-2");

        using var host = BuildHost();
        await host.StartAsync();
        var config = host.Services.GetRequiredService<IConfiguration>();
        var manager = host.Services.GetRequiredService<ISecretsManager>();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var reloads = 0;
        ChangeToken.OnChange(config.GetReloadToken, () => Interlocked.Increment(ref reloads));

        Assert.Equal("vault-1 aws-1 azure-1 gcp-1 files-1", Values(host));
        Assert.Equal(5, manager.Sources.Count);
        Assert.All(manager.Sources, s => Assert.Equal(writtenAt, s.ServingCachedFrom));
        var degraded = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.All(manager.Sources, s => Assert.StartsWith($"serving cached secrets from {writtenAt:o}", (string)degraded.Entries["secrets"].Data[s.Name], StringComparison.Ordinal));

        // Everything comes back; the sources' retries (back-off after the failed load) find the live values.
        _vault.Sealed = false;
        _outage.Down = false;
        Directory.Move(Unmounted, Mount);
        var retryAt = _time.GetUtcNow() + Retry;
        await Waits.UntilAsync(() => _time.PendingDueTimes.Count(t => t == retryAt) >= 5, "every source's retry to be scheduled");
        _time.Advance(Retry);
        await Waits.UntilAsync(() => manager.Sources.All(s => s.ServingCachedFrom is null && s.IsLoaded) && Volatile.Read(ref reloads) > 0, "every source live");

        Assert.Equal("vault-2 aws-2 azure-2 gcp-2 files-2", Values(host));
        Assert.True(Volatile.Read(ref reloads) == 1, $"{reloads} reloads; the log:{Environment.NewLine}{_logs}");
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);
        await host.StopAsync();
        Assert.Equal(1, Volatile.Read(ref reloads));
    }

    public async ValueTask DisposeAsync()
    {
        await _vault.DisposeAsync();
        await _aws.DisposeAsync();
        await _azure.DisposeAsync();
        await _gcp.DisposeAsync();
        _kek.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static string Values(IHost host)
    {
        var config = host.Services.GetRequiredService<IConfiguration>();
        return string.Join(' ', config["db:password"], config["Stripe"], config["Smtp"], config["Maps"], config["Files:Token"]);
    }

    private static void Quick(SecretSourceOptions o)
    {
        o.RefreshInterval = TimeSpan.FromMinutes(1);
        o.RefreshJitter = 0;
        o.Resilience.MaxRetryAttempts = 0;
        o.Resilience.CircuitBreakerEnabled = false;
    }

    private IHost BuildHost()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "orders" });
        builder.Logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug);
        builder.AddSecretsManager(s =>
        {
            s.TimeProvider = _time;
            s.UseLastKnownGoodCache(CachePath, c =>
            {
                c.KeyEncryptionKey = _kek;
                c.MaxAge = TimeSpan.FromHours(24);
            });
            s.AddVault(v =>
            {
                v.Address = _vault.Address;
                v.Authentication = VaultAuthentication.Token(VaultEmulator.RootToken);
                Quick(v);
                v.AddKeyValue("secret", "orders");
            });
            s.AddAwsSecretsManager(o =>
            {
                o.Region = "us-east-1";
                o.ServiceUrl = _aws.Address;
                o.Credentials = new BasicAWSCredentials(AwsEmulator.AccessKeyId, AwsEmulator.SecretAccessKey);
                o.Http.CreateHandler = () => _outage.Wrap(new SocketsHttpHandler());
                Quick(o);
                o.AddSecret("orders-stripe", section: "Stripe");
            });
            s.AddAzureKeyVault(_azure.VaultUri, new AccessTokenCredential(AzureKeyVaultEmulator.AccessToken), o =>
            {
                o.ClientOptions.Transport = new HttpClientTransport(new HttpClient(_outage.Wrap(EmulatorCertificate.TrustingHandler(_azure.Certificate))));
                o.ClientOptions.DisableChallengeResourceVerification = true;
                Quick(o);
                o.AddSecret("orders-smtp", section: "Smtp");
            });
            s.AddGcpSecretManager(o =>
            {
                o.ProjectId = GcpEmulator.ProjectId;
                o.Endpoint = _gcp.Address;
                o.Credential = GcpCredential.FromAccessToken(GcpEmulator.Token);
                o.Http.CreateHandler = () => _outage.Wrap(new SocketsHttpHandler());
                Quick(o);
                o.AddSecret("orders-maps", section: "Maps");
            });
            s.AddMountedFiles(Mount, Quick);
        });
        return builder.Build();
    }
}
