using System.Security.Cryptography;

namespace Secrets.Sdk.Encryption.Tests.Uris;

/// <summary>Key-encryption key URIs: parsing, the built-in <c>local:</c> scheme and the errors for schemes not registered.</summary>
public sealed class KeyEncryptionKeyUriTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("secrets-sdk-kek-uri-").FullName;

    [Theory]
    [InlineData("local:/keys/app.key", "local", "/keys/app.key")]
    [InlineData("  LOCAL:keys/app.key \n", "local", "keys/app.key")]
    [InlineData("aws-kms:arn:aws:kms:eu-west-1:111122223333:key/abc", "aws-kms", "arn:aws:kms:eu-west-1:111122223333:key/abc")]
    [InlineData("azure-kv:https://v.vault.azure.net/keys/k", "azure-kv", "https://v.vault.azure.net/keys/k")]
    public void Parse_SplitsAtTheFirstColon_SchemeInLowerCase(string text, string scheme, string address)
    {
        var uri = KeyEncryptionKeyUri.Parse(text);

        Assert.Equal(scheme, uri.Scheme);
        Assert.Equal(address, uri.Address);
        Assert.Equal($"{scheme}:{address}", uri.ToString());
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("/keys/app.key", "has no scheme")]
    [InlineData("1aws:x", "invalid scheme '1aws'")]
    [InlineData("aws kms:x", "invalid scheme 'aws kms'")]
    [InlineData("gcp-kms:", "nothing after 'gcp-kms:'")]
    [InlineData("local:/a\u0001b", "control character")]
    public void Parse_Malformed_NamesTheWrongPart(string text, string expected)
    {
        var ex = Assert.Throws<KeyEncryptionKeyUriException>(() => KeyEncryptionKeyUri.Parse(text));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal(text, ex.Uri);
    }

    [Theory]
    [InlineData("aws-kms:arn:aws:kms:eu-west-1:1:key/k", "Secrets.Sdk.Encryption.AwsKms", "AddAwsKms()")]
    [InlineData("vault-transit:transit/orders", "Secrets.Sdk.Encryption.VaultTransit", "AddVaultTransit()")]
    [InlineData("azure-kv:https://v.vault.azure.net/keys/k", "Secrets.Sdk.Encryption.AzureKeyVault", "AddAzureKeyVault()")]
    [InlineData("gcp-kms:projects/p/locations/l/keyRings/r/cryptoKeys/k", "Secrets.Sdk.Encryption.GcpKms", "AddGcpKms()")]
    public void Resolve_SchemeOfAPackageNotRegistered_NamesTheSchemeAndThePackage(string text, string package, string registration)
    {
        var ex = Assert.Throws<KeyEncryptionKeyUriException>(() => new KeyEncryptionKeyResolver().Resolve(text));

        Assert.Contains($"'{KeyEncryptionKeyUri.Parse(text).Scheme}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(package, ex.Message, StringComparison.Ordinal);
        Assert.Contains(registration, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_UnknownScheme_NamesItAndListsTheKnownOnes()
    {
        var ex = Assert.Throws<KeyEncryptionKeyUriException>(() => new KeyEncryptionKeyResolver().Resolve("hsm:slot/3"));

        Assert.Contains("'hsm' is unknown", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Registered schemes: local", ex.Message, StringComparison.Ordinal);
        Assert.Contains("aws-kms (Secrets.Sdk.Encryption.AwsKms)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddScheme_MakesItResolvable_CaseInsensitively()
    {
        using var key = new LocalKeyEncryptionKey(new byte[32], "k");
        var resolver = new KeyEncryptionKeyResolver().AddScheme("Test", uri => uri.Address == "one" ? key : throw uri.CreateError("the address must be 'one'."));

        Assert.Same(key, resolver.Resolve("test:one"));
        Assert.Contains("test", resolver.Schemes);
        var ex = Assert.Throws<KeyEncryptionKeyUriException>(() => resolver.Resolve("TEST:two"));
        Assert.Equal("Key-encryption key URI 'test:two': the address must be 'one'.", ex.Message);
    }

    [Fact]
    public async Task Local_Base64KeyFile_OpensWithAFingerprintKeyId_SameKeyAnyPath()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var first = Write("a.key", Convert.ToBase64String(key) + "\n");
        var second = Write("b.key", key);
        var resolver = new KeyEncryptionKeyResolver();

        using var fromBase64 = (LocalKeyEncryptionKey)resolver.Resolve("local:" + first);
        using var fromRaw = (LocalKeyEncryptionKey)resolver.Resolve("local://" + second);
        using var encryptor = new EnvelopeEncryptor(fromBase64);
        var message = await encryptor.EncryptAsync("hello"u8.ToArray());

        Assert.Equal(LocalKeyEncryptionKey.FingerprintKeyId(key), fromBase64.KeyId);
        Assert.Equal(fromBase64.KeyId, fromRaw.KeyId);
        Assert.Matches("^local-[0-9a-f]{16}$", fromBase64.KeyId);
        Assert.NotEqual(fromBase64.KeyId, LocalKeyEncryptionKey.FingerprintKeyId(RandomNumberGenerator.GetBytes(32)));
        using var other = new EnvelopeEncryptor(fromRaw);
        Assert.Equal("hello"u8.ToArray(), await other.DecryptAsync(message));
    }

    [Fact]
    public void Local_MissingOrBadFile_NamesTheUriAndTheFile_NeverTheKey()
    {
        var missing = Path.Combine(_directory, "missing.key");
        var shortKey = Write("short.key", Convert.ToBase64String(new byte[16]));
        var text = Write("text.key", "not a key at all, and certainly not base64!");
        var resolver = new KeyEncryptionKeyResolver();

        var notFound = Assert.Throws<KeyEncryptionKeyUriException>(() => resolver.Resolve("local:" + missing));
        var tooShort = Assert.Throws<KeyEncryptionKeyUriException>(() => resolver.Resolve("local:" + shortKey));
        var notBase64 = Assert.Throws<KeyEncryptionKeyUriException>(() => resolver.Resolve("local:" + text));
        var empty = Assert.Throws<KeyEncryptionKeyUriException>(() => resolver.Resolve("local://"));

        Assert.Equal($"Key-encryption key URI 'local:{missing}': the key file '{missing}' does not exist.", notFound.Message);
        Assert.Contains("must be 32 bytes (AES-256); it is 16 bytes", tooShort.Message, StringComparison.Ordinal);
        Assert.Contains($"'local:{shortKey}'", tooShort.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(new byte[16]), tooShort.Message, StringComparison.Ordinal);
        Assert.Contains("neither 32 raw bytes nor base64", notBase64.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("certainly", notBase64.Message, StringComparison.Ordinal);
        Assert.Contains("key file path is empty", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveRing_FirstWraps_AllUnwrap_OldMessagesStayReadable()
    {
        var oldPath = Write("old.key", RandomNumberGenerator.GetBytes(32));
        var newPath = Write("new.key", RandomNumberGenerator.GetBytes(32));
        var resolver = new KeyEncryptionKeyResolver();
        byte[] oldMessage;
        using (var oldRing = resolver.ResolveRing(["local:" + oldPath]))
        using (var oldEncryptor = new EnvelopeEncryptor(oldRing))
        {
            oldMessage = await oldEncryptor.EncryptAsync("old"u8.ToArray());
        }

        using var ring = resolver.ResolveRing(["local:" + newPath, "local:" + oldPath]);
        using var encryptor = new EnvelopeEncryptor(ring);
        var newMessage = await encryptor.EncryptAsync("new"u8.ToArray());

        Assert.Equal(ring.Keys[0].KeyId, ring.KeyId);
        Assert.Equal("old"u8.ToArray(), await encryptor.DecryptAsync(oldMessage));
        Assert.Equal("new"u8.ToArray(), await encryptor.DecryptAsync(newMessage));
        using var newOnly = resolver.ResolveRing(["local:" + newPath]);
        using var newOnlyEncryptor = new EnvelopeEncryptor(newOnly);
        Assert.Equal("new"u8.ToArray(), await newOnlyEncryptor.DecryptAsync(newMessage)); // wrapped by the first key only
        await Assert.ThrowsAsync<EnvelopeAuthenticationException>(async () => await newOnlyEncryptor.DecryptAsync(oldMessage));
        using var oldOnly = resolver.ResolveRing(["local:" + oldPath]);
        await Assert.ThrowsAsync<EnvelopeAuthenticationException>(async () => await new EnvelopeEncryptor(oldOnly).DecryptAsync(newMessage));
    }

    [Fact]
    public void ResolveRing_BadEntry_NamesIt_AndDisposesTheKeysAlreadyOpened()
    {
        var good = Write("good.key", RandomNumberGenerator.GetBytes(32));
        var opened = new List<TrackingKek>();
        var resolver = new KeyEncryptionKeyResolver().AddScheme("track", uri =>
        {
            var kek = new TrackingKek(uri.Address);
            opened.Add(kek);
            return kek;
        });

        var unknown = Assert.Throws<KeyEncryptionKeyUriException>(() => resolver.ResolveRing(["track:a", "local:" + good, "nope:x"]));
        var twice = Assert.Throws<KeyEncryptionKeyUriException>(() => resolver.ResolveRing(["track:b", "TRACK:b"]));
        var none = Assert.Throws<ArgumentException>(() => resolver.ResolveRing([]));

        Assert.Contains("'nope:x'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("appears twice", twice.Message, StringComparison.Ordinal);
        Assert.Contains("at least one", none.Message, StringComparison.Ordinal);
        Assert.Equal(2, opened.Count);
        Assert.All(opened, k => Assert.True(k.Disposed));
    }

    [Fact]
    public async Task Ring_DisposesOwnedKeysOnce_AndNotKeysItDoesNotOwn()
    {
        var owned = new TrackingKek("a");
        var borrowed = new TrackingKek("b");
        var ring = new KeyEncryptionKeyRing([owned], ownsKeys: true);
        var notOwning = new KeyEncryptionKeyRing([borrowed]);

        await ring.DisposeAsync();
        ring.Dispose();
        await notOwning.DisposeAsync();

        Assert.Equal(1, owned.DisposeCount);
        Assert.Equal(0, borrowed.DisposeCount);
        Assert.Throws<ArgumentException>(() => new KeyEncryptionKeyRing([]));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string text) => Write(name, System.Text.Encoding.UTF8.GetBytes(text));

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private sealed class TrackingKek(string id) : IKeyEncryptionKey, IDisposable
    {
        public int DisposeCount { get; private set; }

        public bool Disposed => DisposeCount > 0;

        public string ProviderId => "track";

        public string KeyId => id;

        public bool CanUnwrap(string providerId, string keyId) => false;

        public ValueTask<GeneratedDataKey> GenerateDataKeyAsync(int keySizeBytes, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
            throw new KeyEncryptionKeyException("not used");

        public ValueTask<WrappedDataKey> WrapKeyAsync(ReadOnlyMemory<byte> dataKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
            throw new KeyEncryptionKeyException("not used");

        public ValueTask<byte[]> UnwrapKeyAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
            throw new KeyEncryptionKeyException("not used");

        public void Dispose() => DisposeCount++;
    }
}
