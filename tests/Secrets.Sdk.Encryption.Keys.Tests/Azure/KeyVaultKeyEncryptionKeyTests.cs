using System.Text;
using Secrets.Sdk.Azure;
using Secrets.Sdk.Encryption;
using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Encryption.Keys.Tests.Azure;

public sealed class KeyVaultKeyEncryptionKeyTests
{
    private static readonly Dictionary<string, string> Context = new(StringComparer.Ordinal) { ["tenant"] = "orders" };

    [Fact]
    public async Task RoundTrip_WrapsWithTheCurrentVersion_RecordsItInTheKeyId_AndVerifiesIt()
    {
        await using var f = await AzureFixture.StartAsync();
        var v1 = f.Vault.CreateRsaKey("kek");
        var kek = Kek(f, "kek");

        using var generated = await kek.GenerateDataKeyAsync(32, Context, CancellationToken.None);
        using var unwrapped = await kek.UnwrapAsync(generated.Wrapped, Context, CancellationToken.None);

        Assert.Equal(v1, generated.Wrapped.KeyId);
        Assert.Equal(AzureKeyVaultKeyEncryptionKey.Provider, generated.Wrapped.ProviderId);
        Assert.Equal(256, generated.Wrapped.Ciphertext.Length); // RSA 2048
        Assert.True(unwrapped.IsKeyIdVerified);
        Assert.Equal(v1, unwrapped.KeyId);
        Assert.True(generated.Plaintext.SequenceEqual(unwrapped.Plaintext));
        Assert.Equal(1, f.Vault.Count("wrapkey kek"));
        Assert.Equal(1, f.Vault.Count("unwrapkey kek/" + v1[(v1.LastIndexOf('/') + 1)..]));
        Assert.True(f.Vault.Challenges >= 1);
        Assert.Equal(["https://vault.azure.net/.default"], f.Credential.LastScopes);

        var encryptor = new EnvelopeEncryptor(kek);
        var sealedMessage = await encryptor.EncryptAsync(Encoding.UTF8.GetBytes("hello"), Context);
        Assert.Equal("hello", Encoding.UTF8.GetString(await encryptor.DecryptAsync(sealedMessage, Context)));
    }

    [Fact]
    public async Task RotatedKey_StillUnwrapsOldDataKeysByTheirVersion_NewOnesUseTheNewVersion()
    {
        await using var f = await AzureFixture.StartAsync();
        var v1 = f.Vault.CreateRsaKey("kek");
        var kek = Kek(f, "kek");
        var encryptor = new EnvelopeEncryptor(kek);
        var old = await encryptor.EncryptAsync(Encoding.UTF8.GetBytes("old"), Context);
        using var oldKey = await kek.GenerateDataKeyAsync(32, Context, CancellationToken.None);

        var v2 = f.Vault.CreateRsaKey("kek");
        using var newKey = await kek.GenerateDataKeyAsync(32, Context, CancellationToken.None);

        Assert.Equal(v1, oldKey.Wrapped.KeyId);
        Assert.Equal(v2, newKey.Wrapped.KeyId);
        using var oldUnwrapped = await kek.UnwrapAsync(oldKey.Wrapped, Context, CancellationToken.None);
        Assert.True(oldKey.Plaintext.SequenceEqual(oldUnwrapped.Plaintext));
        Assert.Equal(v1, oldUnwrapped.KeyId);
        Assert.Equal("old", Encoding.UTF8.GetString(await new EnvelopeEncryptor(kek).DecryptAsync(old, Context)));
    }

    [Fact]
    public async Task PinnedVersion_WrapsWithThatVersion_AfterRotation()
    {
        await using var f = await AzureFixture.StartAsync();
        var v1 = f.Vault.CreateRsaKey("kek");
        f.Vault.CreateRsaKey("kek");
        var kek = new AzureKeyVaultKeyEncryptionKey(new Uri(v1), f.Credential, Options(f));

        using var generated = await kek.GenerateDataKeyAsync(32, Context, CancellationToken.None);

        Assert.Equal(v1, kek.KeyId);
        Assert.Equal(v1, generated.Wrapped.KeyId);
    }

    [Fact]
    public async Task RelabelledVersion_IsRejected_ByKeyVault()
    {
        await using var f = await AzureFixture.StartAsync();
        f.Vault.CreateRsaKey("kek");
        var kek = Kek(f, "kek");
        using var generated = await kek.GenerateDataKeyAsync(32, Context, CancellationToken.None);
        var v2 = f.Vault.CreateRsaKey("kek");

        var relabelled = generated.Wrapped with { KeyId = v2 };
        var ex = await Assert.ThrowsAsync<KeyEncryptionKeyException>(async () => await kek.UnwrapAsync(relabelled, Context, CancellationToken.None));

        Assert.Equal(v2, ex.KeyId);
        Assert.Contains("refused", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RelabelledToAnotherKeyOrVault_IsRejected_WithoutAnyCall()
    {
        await using var f = await AzureFixture.StartAsync();
        var v1 = f.Vault.CreateRsaKey("kek");
        var other = f.Vault.CreateRsaKey("other");
        var kek = Kek(f, "kek");
        using var generated = await kek.GenerateDataKeyAsync(32, Context, CancellationToken.None);
        var requests = f.Vault.Requests.Count;

        foreach (var claimed in (string[])[other, "https://attacker.example/keys/kek/" + v1[(v1.LastIndexOf('/') + 1)..], v1[..v1.LastIndexOf('/')]])
        {
            Assert.False(kek.CanUnwrap(AzureKeyVaultKeyEncryptionKey.Provider, claimed));
            await Assert.ThrowsAsync<KeyEncryptionKeyException>(async () => await kek.UnwrapAsync(generated.Wrapped with { KeyId = claimed }, Context, CancellationToken.None));
        }

        Assert.Equal(requests, f.Vault.Requests.Count); // the token never went anywhere for a relabelled key
    }

    [Fact]
    public async Task UnwrapAnswerNamingAnotherVersion_IsRejected()
    {
        await using var f = await AzureFixture.StartAsync();
        f.Vault.CreateRsaKey("kek");
        var kek = Kek(f, "kek");
        using var generated = await kek.GenerateDataKeyAsync(32, Context, CancellationToken.None);
        f.Vault.CreateRsaKey("kek");
        f.Vault.MisreportKid = true;

        var ex = await Assert.ThrowsAsync<KeyEncryptionKeyException>(async () => await kek.UnwrapAsync(generated.Wrapped, Context, CancellationToken.None));

        Assert.Contains("does not match", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TamperedWrappedKey_IsRefused()
    {
        await using var f = await AzureFixture.StartAsync();
        f.Vault.CreateRsaKey("kek");
        var kek = Kek(f, "kek");
        using var generated = await kek.GenerateDataKeyAsync(32, Context, CancellationToken.None);
        var tampered = generated.Wrapped.Ciphertext.ToArray();
        tampered[10] ^= 1;

        await Assert.ThrowsAsync<KeyEncryptionKeyException>(async () => await kek.UnwrapAsync(generated.Wrapped with { Ciphertext = tampered }, Context, CancellationToken.None));
        Assert.Throws<ArgumentException>(() => new AzureKeyVaultKeyEncryptionKey(new Uri("https://v.vault.azure.net/secrets/x"), f.Credential));
    }

    [Fact]
    public async Task Throttling_IsRetriedByAzureCore_HonouringRetryAfter()
    {
        await using var f = await AzureFixture.StartAsync();
        f.Vault.CreateRsaKey("kek");
        var options = Options(f);
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        var kek = new AzureKeyVaultKeyEncryptionKey(new Uri(f.Vault.VaultUri, "keys/kek"), f.Credential, options);
        f.Vault.ThrottleNext(1, RetryAfterHint.Milliseconds, TimeSpan.FromMilliseconds(5));

        using var generated = await kek.GenerateDataKeyAsync(32, Context, CancellationToken.None);

        Assert.Equal(2, f.Vault.Count("wrapkey"));
    }

    private static AzureKeyVaultKeyEncryptionKey Kek(AzureFixture f, string name) =>
        new(new Uri(f.Vault.VaultUri, "keys/" + name), f.Credential, Options(f));

    private static AzureKeyVaultKeyOptions Options(AzureFixture f) => new() { Transport = f.Transport, DisableChallengeResourceVerification = true };
}
