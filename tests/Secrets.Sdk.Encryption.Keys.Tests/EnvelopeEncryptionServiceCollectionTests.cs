using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Vault;

namespace Secrets.Sdk.Encryption.Keys.Tests;

/// <summary><c>services.AddEnvelopeEncryption(...)</c> from code and from a configuration section.</summary>
public sealed class EnvelopeEncryptionServiceCollectionTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("secrets-sdk-kek-di-").FullName;
    private AwsEmulator _aws = null!;
    private string _keyFile = null!;

    public async Task InitializeAsync()
    {
        _aws = new AwsEmulator();
        await _aws.StartAsync();
        _keyFile = Path.Combine(_directory, "app.key");
        await File.WriteAllTextAsync(_keyFile, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n");
    }

    public async Task DisposeAsync()
    {
        await _aws.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task FromConfiguration_KeyRingAndSettingsFromTheSection()
    {
        var arn = _aws.CreateKmsKey();
        var configuration = Configuration(new()
        {
            ["Encryption:Keys:0"] = "aws-kms:" + arn,
            ["Encryption:Keys:1"] = "local:" + _keyFile,
            ["Encryption:Suite"] = "chacha20poly1305",
            ["Encryption:FrameSize"] = "4096",
            ["Encryption:DataKeyCache:MaxAge"] = "00:10:00",
            ["Encryption:DataKeyCache:MaxMessages"] = "100",
            ["Encryption:DecryptPolicy:MaxWrappedKeys"] = "4",
        });
        var services = new ServiceCollection().AddEnvelopeEncryption(configuration.GetSection("Encryption"), o => o.Resolver.AddAwsKms(_ => Kms()));
        byte[] fromLocal;
        using (var local = new EnvelopeEncryptor(LocalKeyEncryptionKey.FromFile(_keyFile)))
        {
            fromLocal = await local.EncryptAsync("old"u8.ToArray());
        }

        await using (var provider = services.BuildServiceProvider())
        {
            var encryptor = provider.GetRequiredService<EnvelopeEncryptor>();
            var ring = provider.GetRequiredService<KeyEncryptionKeyRing>();
            var first = await encryptor.EncryptAsync(new byte[10_000]);
            var second = await encryptor.EncryptAsync(new byte[10]);

            Assert.Same(encryptor, provider.GetRequiredService<EnvelopeEncryptor>());
            Assert.Equal(["aws-kms", "local"], ring.Keys.Select(k => k.ProviderId));
            Assert.Equal(arn, ring.KeyId);
            Assert.Equal(1, _aws.Count("GenerateDataKey")); // the data-key cache from the section: one KMS call for both
            Assert.Equal((byte)EnvelopeSuite.ChaCha20Poly1305, first[5]);
            Assert.Equal(new byte[10_000], await encryptor.DecryptAsync(first));
            Assert.Equal(new byte[10], await encryptor.DecryptAsync(second));
            Assert.Equal("old"u8.ToArray(), await encryptor.DecryptAsync(fromLocal)); // the second key unwraps
        }
    }

    [Fact]
    public async Task FromCode_UrisAndInstances_InstancesStayTheCallers()
    {
        await using var vault = new VaultEmulator();
        await vault.StartAsync();
        vault.CreateTransitKey("orders");
        var instance = new CountingDisposeKek(LocalKeyEncryptionKey.FromFile(_keyFile));
        var services = new ServiceCollection().AddEnvelopeEncryption(o =>
        {
            o.Keys.Add("vault-transit:transit/orders");
            o.KeyEncryptionKeys.Add(instance);
            o.Encryptor.FrameSize = 1024;
            o.Resolver.AddVaultTransit(v =>
            {
                v.Address = vault.Address;
                v.Authentication = VaultAuthentication.Token(VaultEmulator.RootToken);
            });
        });

        await using (var provider = services.BuildServiceProvider())
        {
            var encryptor = provider.GetRequiredService<EnvelopeEncryptor>();
            var message = await encryptor.EncryptAsync("payload"u8.ToArray());

            Assert.Equal("payload"u8.ToArray(), await encryptor.DecryptAsync(message));
            Assert.Equal(1, vault.Count("POST transit/datakey/plaintext/orders")); // no context: Transit generates the data key
            Assert.Equal(["vault-transit", "local"], provider.GetRequiredService<KeyEncryptionKeyRing>().Keys.Select(k => k.ProviderId));
        }

        Assert.Equal(0, instance.Disposed);
    }

    [Theory]
    [InlineData("Encryption:Keys:0", "hsm:slot/1", "Envelope encryption setting 'Encryption:Keys:0': Key-encryption key URI 'hsm:slot/1': the scheme 'hsm' is unknown")]
    [InlineData("Encryption:Keys:0", "gcp-kms:projects/p/locations/l/keyRings/r/cryptoKeys/k", "'Encryption:Keys:0': Key-encryption key URI 'gcp-kms:projects/p/locations/l/keyRings/r/cryptoKeys/k': the scheme 'gcp-kms' is provided by the package Secrets.Sdk.Encryption.GcpKms")]
    [InlineData("Encryption:Keys:0", "aws-kms:arn:aws:kms:eu-west-1:111122223333:alias/x", "'Encryption:Keys:0': Key-encryption key URI 'aws-kms:arn:aws:kms:eu-west-1:111122223333:alias/x': the ARN's resource 'alias/x' is an alias")]
    [InlineData("Encryption:Keys:0", "/keys/app.key", "'Encryption:Keys:0': Key-encryption key URI '/keys/app.key' has no scheme")]
    [InlineData("Encryption:Keys:0", "local:/nonexistent/app.key", "'Encryption:Keys:0': Key-encryption key URI 'local:/nonexistent/app.key': the directory of the key file")]
    [InlineData("Encryption:FrameSzie", "4096", "Envelope encryption setting 'Encryption:FrameSzie': not a known setting (known here: Keys, Suite, FrameSize, DataKeyCache, DecryptPolicy)")]
    [InlineData("Encryption:FrameSize", "big", "Envelope encryption setting 'Encryption:FrameSize': 'big' is not an integer between 64 and 16777216")]
    [InlineData("Encryption:Suite", "1", "Envelope encryption setting 'Encryption:Suite': '1' is not a suite; use Aes256Gcm or ChaCha20Poly1305")]
    [InlineData("Encryption:DataKeyCache:MaxAge", "soon", "Envelope encryption setting 'Encryption:DataKeyCache:MaxAge': 'soon' is not a positive time span")]
    [InlineData("Encryption:DataKeyCache:MaxMesages", "3", "'Encryption:DataKeyCache:MaxMesages': not a known setting (known here: MaxAge, MaxMessages, MaxBytes)")]
    [InlineData("Encryption:DecryptPolicy:MinimumKeyVersion", "-1", "'Encryption:DecryptPolicy:MinimumKeyVersion': '-1' is not an integer between 1 and")]
    [InlineData("Encryption:Keys:1", "", "Envelope encryption setting 'Encryption:Keys:1': an empty entry")]
    [InlineData("Encryption:Other", "x", "Envelope encryption setting 'Encryption:Keys': at least one key-encryption key URI is required")]
    public void FromConfiguration_BadSetting_ErrorNamesItsPath(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (key != "Encryption:Other" && key != "Encryption:Keys:0")
        {
            settings["Encryption:Keys:0"] = "local:" + _keyFile;
        }

        if (key == "Encryption:Other")
        {
            settings = new() { ["Encryption:FrameSize"] = "4096" };
        }

        var services = new ServiceCollection().AddEnvelopeEncryption(Configuration(settings).GetSection("Encryption"), o => o.Resolver.AddAwsKms(_ => Kms()));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<EnvelopeEncryptor>());

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_SameUriTwice_NamesBothPaths()
    {
        var uri = "local:" + _keyFile;
        var configuration = Configuration(new() { ["Encryption:Keys:0"] = uri, ["Encryption:Keys:1"] = uri });
        using var provider = new ServiceCollection().AddEnvelopeEncryption(configuration.GetSection("Encryption")).BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<EnvelopeEncryptor>());

        Assert.Equal($"Envelope encryption setting 'Encryption:Keys:1': Key-encryption key URI '{uri}': the URI is also at Encryption:Keys:0.", ex.Message);
    }

    private static IConfigurationRoot Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private AmazonKeyManagementServiceClient Kms() => new(
        new BasicAWSCredentials(AwsEmulator.AccessKeyId, AwsEmulator.SecretAccessKey),
        new AmazonKeyManagementServiceConfig { ServiceURL = _aws.Address.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    /// <summary>A KEK given as an instance, counting disposals (the container must not dispose it).</summary>
    private sealed class CountingDisposeKek(LocalKeyEncryptionKey inner) : IKeyEncryptionKey, IDisposable
    {
        public int Disposed { get; private set; }

        public string ProviderId => inner.ProviderId;

        public string KeyId => inner.KeyId;

        public bool CanUnwrap(string providerId, string keyId) => inner.CanUnwrap(providerId, keyId);

        public ValueTask<GeneratedDataKey> GenerateDataKeyAsync(int keySizeBytes, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
            inner.GenerateDataKeyAsync(keySizeBytes, context, cancellationToken);

        public ValueTask<WrappedDataKey> WrapKeyAsync(ReadOnlyMemory<byte> dataKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
            inner.WrapKeyAsync(dataKey, context, cancellationToken);

        public ValueTask<UnwrappedDataKey> UnwrapAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
            inner.UnwrapAsync(wrappedKey, context, cancellationToken);

        public ValueTask<byte[]> UnwrapKeyAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
            inner.UnwrapKeyAsync(wrappedKey, context, cancellationToken);

        public void Dispose() => Disposed++;
    }
}
