using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Encryption;
using Secrets.Sdk.Gcp;

namespace Secrets.Sdk.Encryption.Keys.Tests.Gcp;

public sealed class KmsKeyEncryptionKeyTests
{
    private static readonly Dictionary<string, string> Context = new() { ["tenant"] = "orders" };

    [Fact]
    public async Task EnvelopeRoundTrip_RecordsTheVersion_WrongContextRejected()
    {
        await using var f = await GcpKmsFixture.StartAsync();
        var key = f.Gcp.CreateCryptoKey("global", "ring", "kek");
        using var kek = Kek(f, key);
        using var encryptor = new EnvelopeEncryptor(kek);

        var message = await encryptor.EncryptAsync("cardholder-data"u8.ToArray(), Context);

        Assert.Equal("cardholder-data"u8.ToArray(), await encryptor.DecryptAsync(message, Context));
        Assert.Equal(key + ":v1", kek.KeyId);
        Assert.Equal(2, f.Gcp.Count("encrypt")); // one probe learns the primary version, then the data key
        Assert.Equal(1, f.Gcp.Count("decrypt"));
        await Assert.ThrowsAsync<EnvelopeAuthenticationException>(async () => await encryptor.DecryptAsync(message, new Dictionary<string, string> { ["tenant"] = "billing" }));
    }

    [Fact]
    public async Task UnwrapVerifiesTheRecordedVersion_RelabelledVersionIsRefused()
    {
        await using var f = await GcpKmsFixture.StartAsync();
        var key = f.Gcp.CreateCryptoKey("global", "ring", "kek");
        using var kek = Kek(f, key);
        var v1 = await kek.WrapKeyAsync(new byte[32], Context, default);
        f.Gcp.RotateCryptoKey(key);
        f.Time.Advance(kek.PrimaryVersionRefreshInterval + TimeSpan.FromSeconds(1));
        var v2 = await kek.WrapKeyAsync(new byte[32], Context, default);

        Assert.Equal(key + ":v1", v1.KeyId);
        Assert.Equal(key + ":v2", v2.KeyId);
        using (var unwrapped = await kek.UnwrapAsync(v1, Context, default))
        {
            Assert.Equal(key + ":v1", unwrapped.KeyId);
            Assert.True(unwrapped.IsKeyIdVerified);
        }

        var relabelled = v1 with { KeyId = key + ":v2" };
        var ex = await Assert.ThrowsAsync<KeyEncryptionKeyException>(async () => await kek.UnwrapAsync(relabelled, Context, default));
        Assert.Contains("version 2", ex.Message, StringComparison.Ordinal);
        Assert.False(kek.CanUnwrap(GcpKmsKeyEncryptionKey.Provider, "projects/other/locations/global/keyRings/ring/cryptoKeys/kek:v1"));
        Assert.False(kek.CanUnwrap(GcpKmsKeyEncryptionKey.Provider, key));
    }

    [Fact]
    public async Task CorruptCrcInKmsAnswers_IsDiscarded_BothDirections()
    {
        await using var f = await GcpKmsFixture.StartAsync();
        var key = f.Gcp.CreateCryptoKey("global", "ring", "kek");
        using var kek = Kek(f, key);
        var wrapped = await kek.WrapKeyAsync(new byte[32], Context, default);

        f.Gcp.CorruptNextKmsCrc(1);
        var encryptError = await Assert.ThrowsAsync<KeyEncryptionKeyException>(async () => await kek.WrapKeyAsync(new byte[32], Context, default));
        f.Gcp.CorruptNextKmsCrc(1);
        var decryptError = await Assert.ThrowsAsync<KeyEncryptionKeyException>(async () => await kek.UnwrapAsync(wrapped, Context, default));

        Assert.Contains("ciphertextCrc32c", encryptError.Message, StringComparison.Ordinal);
        Assert.Contains("plaintextCrc32c", decryptError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EncryptAnswerThatDidNotVerifyTheRequestCrcs_IsDiscarded()
    {
        await using var f = await GcpKmsFixture.StartAsync();
        var key = f.Gcp.CreateCryptoKey("global", "ring", "kek");
        using var kek = Kek(f, key);
        f.Gcp.AcknowledgeKmsRequestCrc = false;

        var ex = await Assert.ThrowsAsync<KeyEncryptionKeyException>(async () => await kek.WrapKeyAsync(new byte[32], Context, default));

        Assert.Contains("verifiedPlaintextCrc32c=False", ex.Message, StringComparison.Ordinal);
        Assert.Equal(GcpKmsKeyEncryptionKey.Provider, ex.ProviderId);
    }

    [Fact]
    public async Task DisabledPrimaryVersion_IsLearnedAgain_OldVersionsStillUnwrap()
    {
        await using var f = await GcpKmsFixture.StartAsync();
        var key = f.Gcp.CreateCryptoKey("global", "ring", "kek");
        using var kek = Kek(f, key);
        var old = await kek.WrapKeyAsync(new byte[32], Context, default);
        f.Gcp.RotateCryptoKey(key);
        f.Gcp.DisableCryptoKeyVersion(key, 1);

        var next = await kek.WrapKeyAsync(new byte[32], Context, default);

        Assert.Equal(key + ":v2", next.KeyId);
        var ex = await Assert.ThrowsAsync<KeyEncryptionKeyException>(async () => await kek.UnwrapAsync(old, Context, default));
        Assert.Contains("FAILED_PRECONDITION", ex.Message, StringComparison.Ordinal);
    }

    private static GcpKmsKeyEncryptionKey Kek(GcpKmsFixture f, string key) => new(key, f.RestClient(), f.Time);
}
