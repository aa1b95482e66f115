using System.Text;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Vault;

namespace Secrets.Sdk.Encryption.Keys.Tests.Vault;

/// <summary>
/// The version in a message's Transit key id is checked against the <c>vault:vN:</c> ciphertext it labels, and the decrypt
/// policy applies to that verified version (issue #10 §3).
/// </summary>
public sealed class TransitKeyVerificationTests
{
    private static readonly Dictionary<string, string> Context = new() { ["tenant"] = "orders" };
    private static readonly EnvelopeEncryptorOptions MinimumV2 = new() { DecryptPolicy = new EnvelopeDecryptPolicy { MinimumKeyVersion = 2 } };

    [Fact]
    public async Task V1CiphertextRelabelledAsV2_FailsAMinimumVersion2Policy_WithoutAskingVault()
    {
        await using var f = await TransitFixture.StartAsync();
        f.Vault.CreateTransitKey("orders");
        await using var kek = Kek(f);
        var message = await SealAsync(new RelabellingKek(kek, "transit/orders:v2"));
        f.Vault.RotateTransitKey("orders");
        using var strict = new EnvelopeEncryptor(kek, MinimumV2);

        await Assert.ThrowsAsync<EnvelopeAuthenticationException>(async () => await strict.DecryptAsync(message, Context));

        Assert.Equal(0, f.Vault.Count("POST transit/decrypt/orders"));
    }

    [Fact]
    public async Task RelabelledWrappedKey_IsRefusedByTheKek_NamingBothKeyIdsButNoData()
    {
        await using var f = await TransitFixture.StartAsync();
        f.Vault.CreateTransitKey("orders");
        await using var kek = Kek(f);
        var wrapped = await kek.WrapKeyAsync(new byte[32], Context, default);
        f.Vault.RotateTransitKey("orders");
        var relabelled = wrapped with { KeyId = "transit/orders:v2" };

        var unwrap = await Assert.ThrowsAsync<KeyEncryptionKeyException>(async () => await kek.UnwrapAsync(relabelled, Context, default));
        var rewrap = await Assert.ThrowsAsync<KeyEncryptionKeyException>(async () => await kek.RewrapAsync(relabelled, Context));

        Assert.Equal("transit/orders:v2", unwrap.KeyId);
        Assert.Contains("'transit/orders:v2'", unwrap.Message, StringComparison.Ordinal);
        Assert.Contains("'transit/orders:v1'", unwrap.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Encoding.UTF8.GetString(wrapped.Ciphertext.Span), unwrap.Message, StringComparison.Ordinal);
        Assert.Equal(unwrap.Message, rewrap.Message);
        Assert.Equal(0, f.Vault.Count("POST transit/decrypt/orders") + f.Vault.Count("POST transit/rewrap/orders"));
    }

    [Fact]
    public async Task WrappedKeyWithoutTransitPrefix_OrWithoutVersionInItsKeyId_IsRefused()
    {
        await using var f = await TransitFixture.StartAsync();
        f.Vault.CreateTransitKey("orders");
        await using var kek = Kek(f);
        var wrapped = await kek.WrapKeyAsync(new byte[32], Context, default);

        var noPrefix = await Assert.ThrowsAsync<KeyEncryptionKeyException>(async () => await kek.UnwrapAsync(wrapped with { Ciphertext = "vault:v0:AAAA"u8.ToArray() }, Context, default));
        await Assert.ThrowsAsync<KeyEncryptionKeyException>(async () => await kek.UnwrapAsync(wrapped with { KeyId = "transit/orders" }, Context, default));

        Assert.Contains("no 'vault:vN:' prefix", noPrefix.Message, StringComparison.Ordinal);
        Assert.False(kek.CanUnwrap(VaultTransitKeyEncryptionKey.Provider, "transit/orders"));
        Assert.True(kek.CanUnwrap(VaultTransitKeyEncryptionKey.Provider, "transit/orders:v1"));
    }

    [Fact]
    public async Task RotatedKey_StillUnwrapsOldDataKeysByTheirVersion_AndThePolicyUsesTheVerifiedVersion()
    {
        await using var f = await TransitFixture.StartAsync();
        f.Vault.CreateTransitKey("orders");
        await using var kek = Kek(f);
        var v1 = await kek.WrapKeyAsync(Enumerable.Repeat((byte)1, 32).ToArray(), Context, default);
        var oldMessage = await SealAsync(kek);
        f.Vault.RotateTransitKey("orders");
        var v2 = await kek.WrapKeyAsync(Enumerable.Repeat((byte)2, 32).ToArray(), Context, default);
        var newMessage = await SealAsync(kek);
        using var lenient = new EnvelopeEncryptor(kek);
        using var strict = new EnvelopeEncryptor(kek, MinimumV2);

        using var first = await kek.UnwrapAsync(v1, Context, default);
        using var second = await kek.UnwrapAsync(v2, Context, default);

        Assert.Equal(("transit/orders:v1", true, (byte)1), (first.KeyId, first.IsKeyIdVerified, first.Plaintext[0]));
        Assert.Equal(("transit/orders:v2", true, (byte)2), (second.KeyId, second.IsKeyIdVerified, second.Plaintext[0]));
        Assert.Equal("payload"u8.ToArray(), await lenient.DecryptAsync(oldMessage, Context));
        Assert.Equal("payload"u8.ToArray(), await strict.DecryptAsync(newMessage, Context));
        await Assert.ThrowsAsync<EnvelopeFormatException>(async () => await strict.DecryptAsync(oldMessage, Context));
    }

    [Theory]
    [InlineData("encrypt/orders", "key_version", "2", "answered key_version 2 with a version 1 ciphertext")]
    [InlineData("encrypt/orders", "ciphertext", "AAAA", "without a 'vault:vN:' prefix")]
    [InlineData("decrypt/orders", "plaintext", "%%not-base64%%", "'plaintext' that is not base64")]
    public async Task MalformedTransitAnswer_IsAnInvalidResponse_NamingTheKey(string operation, string field, string value, string expected)
    {
        await using var f = await TransitFixture.StartAsync();
        f.Vault.CreateTransitKey("orders");
        await using var kek = Kek(f);
        var wrapped = await kek.WrapKeyAsync(new byte[32], Context, default);
        f.Vault.TransitAnswerRewriter = (path, data) =>
        {
            if (path == operation)
            {
                data[field] = field == "key_version" ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : value;
            }

            return data;
        };

        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () =>
        {
            if (operation.StartsWith("encrypt", StringComparison.Ordinal))
            {
                await kek.WrapKeyAsync(new byte[32], Context, default);
            }
            else
            {
                using var unwrapped = await kek.UnwrapAsync(wrapped, Context, default);
            }
        });

        Assert.Equal(SecretErrorKind.InvalidResponse, ex.Kind);
        Assert.Contains("'transit/orders'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private static async Task<byte[]> SealAsync(IKeyEncryptionKey kek)
    {
        using var encryptor = new EnvelopeEncryptor(kek);
        return await encryptor.EncryptAsync("payload"u8.ToArray(), Context);
    }

    private static VaultTransitKeyEncryptionKey Kek(TransitFixture f) => new(new VaultTransitOptions
    {
        Address = f.Vault.Address,
        Authentication = VaultAuthentication.Token(VaultEmulator.RootToken),
        KeyName = "orders",
        TimeProvider = f.Time,
    });
}
