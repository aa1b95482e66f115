using Amazon.KeyManagementService;
using Amazon.Runtime;
using Azure.Core.Pipeline;
using Secrets.Sdk.Gcp;
using Secrets.Sdk.Azure;
using Secrets.Sdk.Azure.Tests;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Vault;

namespace Secrets.Sdk.Encryption.Keys.Tests;

/// <summary>Key rings built from URIs through every provider's emulator: the first key wraps, every key unwraps.</summary>
public sealed class KeyRingFromUriTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> Context = new() { ["tenant"] = "orders" };
    private readonly ManualTimeProvider _time = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("secrets-sdk-kek-ring-").FullName;
    private AwsEmulator _aws = null!;
    private VaultEmulator _vault = null!;
    private AzureKeyVaultEmulator _azure = null!;
    private GcpEmulator _gcp = null!;
    private HttpClient _azureHttp = null!;

    public async Task InitializeAsync()
    {
        _aws = new AwsEmulator(_time);
        _vault = new VaultEmulator(_time);
        _azure = new AzureKeyVaultEmulator(_time);
        _gcp = new GcpEmulator();
        await Task.WhenAll(_aws.StartAsync(), _vault.StartAsync(), _azure.StartAsync(), _gcp.StartAsync());
        _azureHttp = new HttpClient(EmulatorCertificate.TrustingHandler(_azure.Certificate));
    }

    public async Task DisposeAsync()
    {
        _azureHttp.Dispose();
        await _aws.DisposeAsync();
        await _vault.DisposeAsync();
        await _azure.DisposeAsync();
        await _gcp.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task EveryProvider_MessagesOfEachSingleKey_DecryptWithTheRing_NewOnesWrappedByTheFirstOnly()
    {
        var uris = Uris();
        var resolver = Resolver();
        var old = new List<byte[]>();
        foreach (var uri in uris)
        {
            await using var single = resolver.ResolveRing([uri]);
            using var encryptor = new EnvelopeEncryptor(single);
            old.Add(await encryptor.EncryptAsync(System.Text.Encoding.UTF8.GetBytes(uri), Context));
        }

        await using var ring = resolver.ResolveRing(uris);
        using var ringEncryptor = new EnvelopeEncryptor(ring);
        for (var i = 0; i < uris.Length; i++)
        {
            Assert.Equal(uris[i], System.Text.Encoding.UTF8.GetString(await ringEncryptor.DecryptAsync(old[i], Context)));
        }

        var encryptsBefore = _gcp.Count("encrypt");
        var fresh = await ringEncryptor.EncryptAsync("fresh"u8.ToArray(), Context);
        Assert.Equal(encryptsBefore + 2, _gcp.Count("encrypt")); // the GCP key is first: a probe for its primary version, then the data key
        await using var gcpOnly = resolver.ResolveRing([uris[0]]);
        Assert.Equal("fresh"u8.ToArray(), await new EnvelopeEncryptor(gcpOnly).DecryptAsync(fresh, Context));
        await using var others = resolver.ResolveRing(uris[1..]);
        await Assert.ThrowsAsync<EnvelopeAuthenticationException>(async () => await new EnvelopeEncryptor(others).DecryptAsync(fresh, Context));
    }

    [Theory]
    [InlineData(0, "gcp-kms")]
    [InlineData(1, "aws-kms")]
    [InlineData(2, "vault-transit")]
    [InlineData(3, "azure-keyvault")]
    [InlineData(4, "local")]
    public async Task EachProvider_RoundTripsFromItsUri_WrongContextRefused(int index, string provider)
    {
        var uri = Uris()[index];
        await using var ring = Resolver().ResolveRing([uri]);
        using var encryptor = new EnvelopeEncryptor(ring);

        var message = await encryptor.EncryptAsync("payload"u8.ToArray(), Context);

        Assert.Equal(provider, ring.ProviderId);
        Assert.Equal("payload"u8.ToArray(), await encryptor.DecryptAsync(message, Context));
        await Assert.ThrowsAsync<EnvelopeAuthenticationException>(async () => await encryptor.DecryptAsync(message, new Dictionary<string, string> { ["tenant"] = "billing" }));
    }

    private string[] Uris()
    {
        var keyFile = Path.Combine(_directory, "local.key");
        if (!File.Exists(keyFile))
        {
            File.WriteAllText(keyFile, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
            _vault.CreateTransitKey("orders");
        }

        return
        [
            "gcp-kms:" + _gcp.CreateCryptoKey("global", "ring", "kek-" + Guid.NewGuid().ToString("N")[..8]),
            "aws-kms:" + _aws.CreateKmsKey(),
            "vault-transit:transit/orders",
            "azure-kv:" + AzureKey(),
            "local:" + keyFile,
        ];
    }

    private string AzureKey()
    {
        var name = "kek" + Guid.NewGuid().ToString("N")[..8];
        _azure.CreateRsaKey(name);
        return new Uri(_azure.VaultUri, "keys/" + name).ToString();
    }

    private KeyEncryptionKeyResolver Resolver() => new KeyEncryptionKeyResolver()
        .AddAwsKms(_ => new AmazonKeyManagementServiceClient(
            new BasicAWSCredentials(AwsEmulator.AccessKeyId, AwsEmulator.SecretAccessKey),
            new AmazonKeyManagementServiceConfig { ServiceURL = _aws.Address.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 }))
        .AddVaultTransit(o =>
        {
            o.Address = _vault.Address;
            o.Authentication = VaultAuthentication.Token(VaultEmulator.RootToken);
            o.TimeProvider = _time;
        })
        .AddAzureKeyVault(new FixedTokenCredential(AzureKeyVaultEmulator.AccessToken), new AzureKeyVaultKeyOptions { Transport = new HttpClientTransport(_azureHttp), DisableChallengeResourceVerification = true })
        .AddGcpKms(GcpCredential.FromAccessToken(GcpEmulator.Token), _gcp.Address);
}
