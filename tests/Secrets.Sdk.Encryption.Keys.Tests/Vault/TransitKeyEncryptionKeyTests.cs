using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Vault;

namespace Secrets.Sdk.Encryption.Keys.Tests.Vault;

public sealed class TransitKeyEncryptionKeyTests
{
    private static readonly Dictionary<string, string> Context = new() { ["tenant"] = "orders" };

    [Fact]
    public async Task Envelope_RoundTripsThroughTransit_WithContextBound()
    {
        await using var f = await TransitFixture.StartAsync();
        f.Vault.CreateTransitKey("orders");
        await using var kek = Kek(f);
        using var encryptor = new EnvelopeEncryptor(kek);

        var message = await encryptor.EncryptAsync("card-number"u8.ToArray(), Context);

        Assert.Equal("card-number"u8.ToArray(), await encryptor.DecryptAsync(message, Context));
        Assert.Equal(1, f.Vault.Count("POST transit/encrypt/orders"));
        await Assert.ThrowsAsync<EnvelopeAuthenticationException>(async () => await encryptor.DecryptAsync(message, new Dictionary<string, string> { ["tenant"] = "billing" }));
    }

    [Fact]
    public async Task WrongAssociatedData_IsRefusedByTransit()
    {
        await using var f = await TransitFixture.StartAsync();
        f.Vault.CreateTransitKey("orders");
        await using var kek = Kek(f);
        var wrapped = await kek.WrapKeyAsync(new byte[32], Context, default);

        var ex = await Assert.ThrowsAsync<KeyEncryptionKeyException>(async () => await kek.UnwrapKeyAsync(wrapped, new Dictionary<string, string> { ["tenant"] = "x" }, default));

        Assert.Contains("transit/orders", ex.Message, StringComparison.Ordinal);
        Assert.Contains("message authentication failed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyRotation_RewrapMovesToNewVersion_MinDecryptionVersionRefusesOldOne()
    {
        await using var f = await TransitFixture.StartAsync();
        f.Vault.CreateTransitKey("orders");
        await using var kek = Kek(f);
        using var encryptor = new EnvelopeEncryptor(kek);
        var message = await encryptor.EncryptAsync("payload"u8.ToArray(), Context);

        f.Vault.RotateTransitKey("orders");
        var moved = await encryptor.RewrapAsync(message, kek);
        var wrapped = await kek.WrapKeyAsync(new byte[32], Context, default);
        var rewrapped = await kek.RewrapAsync(await kek.WrapKeyAsync(new byte[32], Context, default) with { }, Context);
        f.Vault.SetMinDecryptionVersion("orders", 2);

        Assert.Equal("transit/orders:v2", wrapped.KeyId);
        Assert.Equal("transit/orders:v2", rewrapped.KeyId);
        Assert.Equal("payload"u8.ToArray(), await encryptor.DecryptAsync(moved, Context));
        await Assert.ThrowsAsync<EnvelopeAuthenticationException>(async () => await encryptor.DecryptAsync(message, Context));
        var strict = new EnvelopeEncryptorOptions { DecryptPolicy = new EnvelopeDecryptPolicy { MinimumKeyVersion = 2 } };
        using var strictEncryptor = new EnvelopeEncryptor(kek, strict);
        await Assert.ThrowsAsync<EnvelopeFormatException>(async () => await strictEncryptor.DecryptAsync(message, Context));
        Assert.Equal("payload"u8.ToArray(), await strictEncryptor.DecryptAsync(moved, Context));
    }

    [Fact]
    public async Task GenerateWithoutContext_UsesDatakeyPlaintext()
    {
        await using var f = await TransitFixture.StartAsync();
        f.Vault.CreateTransitKey("orders");
        await using var kek = Kek(f);

        using var generated = await kek.GenerateDataKeyAsync(32, new Dictionary<string, string>(), default);
        var unwrapped = await kek.UnwrapKeyAsync(generated.Wrapped, new Dictionary<string, string>(), default);

        Assert.Equal(generated.Plaintext.ToArray(), unwrapped);
        Assert.Equal(1, f.Vault.Count("POST transit/datakey/plaintext/orders"));
    }

    private static VaultTransitKeyEncryptionKey Kek(TransitFixture f) => new(new VaultTransitOptions
    {
        Address = f.Vault.Address,
        Authentication = VaultAuthentication.Token(VaultEmulator.RootToken),
        KeyName = "orders",
        TimeProvider = f.Time,
    });
}
