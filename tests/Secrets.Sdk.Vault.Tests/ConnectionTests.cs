using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Vault.Tests;

public sealed class ConnectionTests
{
    [Fact]
    public async Task Https_WithCaBundle_Connects_WithoutItFailsWithTlsError()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Secrets.Sdk Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = serverRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7), RandomNumberGenerator.GetBytes(8));
        using var server = X509CertificateLoader.LoadPkcs12(issued.CopyWithPrivateKey(serverKey).Export(X509ContentType.Pkcs12), null);
        var caFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(caFile, ca.ExportCertificatePem());
        var time = new ManualTimeProvider();
        await using var vault = new VaultEmulator(time) { Certificate = server };
        await vault.StartAsync();
        vault.EnableKv("secret", 2);
        vault.PutKv("secret", "app/db", new Dictionary<string, string> { ["password"] = "p" });
        try
        {
            Assert.Equal("https", vault.Address.Scheme);
            var config = Build(vault, time, caFile);
            Assert.Equal("p", config["db:password"]);

            var ex = Assert.Throws<SecretsLoadException>(() => Build(vault, time, caPath: null));
            Assert.Contains("unreachable", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    [Fact]
    public async Task Namespace_IsSentOnEveryRequest()
    {
        await using var f = await VaultFixture.StartAsync();
        f.Vault.PutKv("secret", "app/db", new Dictionary<string, string> { ["password"] = "p" });

        var config = f.Build(v =>
        {
            v.Namespace = "team-orders";
            v.AddKeyValue("secret", "app");
        });

        Assert.Equal("p", config["db:password"]);
        Assert.NotEmpty(f.Vault.Namespaces);
        Assert.All(f.Vault.Namespaces, n => Assert.Equal("team-orders", n));
    }

    [Fact]
    public async Task VaultAddrAndToken_FromTheEnvironment_AreUsedLikeTheCli()
    {
        await using var f = await VaultFixture.StartAsync();
        f.Vault.PutKv("secret", "app/db", new Dictionary<string, string> { ["password"] = "env" });
        Environment.SetEnvironmentVariable("VAULT_ADDR", f.Vault.Address.ToString());
        Environment.SetEnvironmentVariable("VAULT_TOKEN", VaultEmulator.RootToken);
        try
        {
            var config = new ConfigurationBuilder().AddSecretsManager(s =>
            {
                s.TimeProvider = f.Time;
                s.AddVault(v =>
                {
                    v.RefreshInterval = null;
                    v.AddKeyValue("secret", "app");
                });
            }).Build();

            Assert.Equal("env", config["db:password"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("VAULT_ADDR", null);
            Environment.SetEnvironmentVariable("VAULT_TOKEN", null);
        }
    }

    [Fact]
    public async Task Standby_Redirect_IsRefusedByDefault_AndFollowedToTheActiveNodeWhenConfigured()
    {
        await using var active = await VaultFixture.StartAsync();
        active.Vault.PutKv("secret", "app/db", new Dictionary<string, string> { ["password"] = "from-active" });
        await using var standby = new VaultEmulator(active.Time) { StandbyOf = new UriBuilder(active.Vault.Address) { Host = "localhost" }.Uri };
        await standby.StartAsync();
        void Configure(VaultSourceOptions v)
        {
            v.Address = standby.Address;
            v.Resilience.MaxRetryAttempts = 0;
            v.AddKeyValue("secret", "app", version: 2);
        }

        var refused = Assert.Throws<SecretsLoadException>(() => active.Build(Configure));
        Assert.Contains("307", refused.Message, StringComparison.Ordinal);
        Assert.Empty(active.Vault.Requests);
        var refusedCalls = standby.Requests.Count;

        var config = active.Build(v =>
        {
            Configure(v);
            v.FollowStandbyRedirect = true;
        });

        Assert.Equal("from-active", config["db:password"]);
        Assert.NotEmpty(active.Vault.Requests);
        Assert.Equal(standby.Requests.Count - refusedCalls, active.Vault.Requests.Count); // Each call redirected once.
    }

    private static IConfigurationRoot Build(VaultEmulator vault, TimeProvider time, string? caPath) =>
        new ConfigurationBuilder().AddSecretsManager(s =>
        {
            s.TimeProvider = time;
            s.AddVault(v =>
            {
                v.Address = vault.Address;
                v.Authentication = VaultAuthentication.Token(VaultEmulator.RootToken);
                v.Tls.CaCertificatePath = caPath;
                v.RefreshInterval = null;
                v.Resilience.MaxRetryAttempts = 0;
                v.AddKeyValue("secret", "app", version: 2);
            });
        }).Build();
}
