using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Vault;

namespace Secrets.Sdk.Encryption.Keys.Tests.Vault;

/// <summary>
/// The Transit KEK takes <c>VAULT_ADDR</c>, <c>VAULT_TOKEN</c>, <c>VAULT_NAMESPACE</c> and <c>VAULT_CACERT</c> like
/// <c>AddVault</c>, through the same helper (read through a seam, so no test changes the process environment).
/// </summary>
public sealed class TransitEnvironmentDefaultsTests
{
    private static readonly Dictionary<string, string> Context = new() { ["tenant"] = "orders" };

    [Fact]
    public async Task AddressTokenNamespaceAndCa_ComeFromTheEnvironment_WhenUnset()
    {
        await using var f = await TransitFixture.StartAsync();
        f.Vault.CreateTransitKey("orders");
        var caFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(caFile, SelfSignedPem());
        try
        {
            var options = new VaultTransitOptions { KeyName = "orders", TimeProvider = f.Time };
            var environment = new Dictionary<string, string>
            {
                ["VAULT_ADDR"] = f.Vault.Address.ToString(),
                ["VAULT_TOKEN"] = VaultEmulator.RootToken,
                ["VAULT_NAMESPACE"] = "team-orders",
                ["VAULT_CACERT"] = caFile,
            };
            await using var kek = new VaultTransitKeyEncryptionKey(options, environment.GetValueOrDefault);

            var wrapped = await kek.WrapKeyAsync(new byte[32], Context, default);
            using var unwrapped = await kek.UnwrapAsync(wrapped, Context, default);

            Assert.Equal(f.Vault.Address, options.Address);
            Assert.Equal(caFile, options.Tls.CaCertificatePath);
            Assert.Equal("transit/orders:v1", unwrapped.KeyId);
            Assert.NotEmpty(f.Vault.Namespaces);
            Assert.All(f.Vault.Namespaces, n => Assert.Equal("team-orders", n));
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    [Fact]
    public async Task ExplicitSettings_WinOverTheEnvironment()
    {
        await using var f = await TransitFixture.StartAsync();
        f.Vault.CreateTransitKey("orders");
        var options = new VaultTransitOptions
        {
            Address = f.Vault.Address,
            Authentication = VaultAuthentication.Token(VaultEmulator.RootToken),
            KeyName = "orders",
            TimeProvider = f.Time,
        };
        var environment = new Dictionary<string, string> { ["VAULT_ADDR"] = "https://vault.invalid:8200", ["VAULT_TOKEN"] = "hvs.not-this-one" };
        await using var kek = new VaultTransitKeyEncryptionKey(options, environment.GetValueOrDefault);

        var wrapped = await kek.WrapKeyAsync(new byte[32], Context, default);

        Assert.Equal(f.Vault.Address, options.Address);
        Assert.Equal("transit/orders:v1", wrapped.KeyId);
    }

    [Fact]
    public void MissingOrUnsafeSettings_AreClearErrors_NamingTheVariable_NeverItsValue()
    {
        var noAddress = Assert.Throws<ArgumentException>(() => Create(new Dictionary<string, string>()));
        var noToken = Assert.Throws<ArgumentException>(() => Create(new Dictionary<string, string> { ["VAULT_ADDR"] = "https://vault.example:8200" }));
        var badAddress = Assert.Throws<ArgumentException>(() => Create(new Dictionary<string, string> { ["VAULT_ADDR"] = "vault-host-without-scheme", ["VAULT_TOKEN"] = "t" }));
        var plainHttp = Assert.Throws<ArgumentException>(() => Create(new Dictionary<string, string> { ["VAULT_ADDR"] = "http://vault.example:8200", ["VAULT_TOKEN"] = "t" }));
        var noKey = Assert.Throws<ArgumentException>(() => new VaultTransitKeyEncryptionKey(new VaultTransitOptions(), _ => null));

        Assert.Contains("VAULT_ADDR", noAddress.Message, StringComparison.Ordinal);
        Assert.Contains("VAULT_TOKEN", noToken.Message, StringComparison.Ordinal);
        Assert.Contains("VAULT_ADDR", badAddress.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("vault-host-without-scheme", badAddress.Message, StringComparison.Ordinal);
        Assert.Contains("plain HTTP", plainHttp.Message, StringComparison.Ordinal);
        Assert.Contains("KeyName", noKey.Message, StringComparison.Ordinal);
    }

    private static VaultTransitKeyEncryptionKey Create(Dictionary<string, string> environment) =>
        new(new VaultTransitOptions { KeyName = "orders" }, environment.GetValueOrDefault);

    private static string SelfSignedPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=Secrets.Sdk Transit Test CA", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.ExportCertificatePem();
    }
}
