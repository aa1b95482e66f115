using Secrets.Sdk.Encryption.Tests.Infrastructure;
using Secrets.Sdk.Tests.Shared;

namespace Secrets.Sdk.Encryption.Tests;

/// <summary>
/// A message's key id is only authenticated after unwrapping, so KEKs verify it and the decrypt policy is enforced on
/// the verified key id and version (issue #10 §3).
/// </summary>
public sealed class KeyVerificationTests
{
    private static readonly Dictionary<string, string> Context = new() { ["tenant"] = "orders" };
    private static readonly byte[] Payload = "payload"u8.ToArray();

    [Fact]
    public async Task LocalRing_KeyRelabelledToNewerVersion_FailsUnderMinimumVersionPolicy()
    {
        using var oldKey = TestKeks.Local(1, "app-kek:v1");
        using var ring = Ring(("app-kek:v1", 1), ("app-kek:v2", 2));
        var message = await SealAsync(new RelabellingKek(oldKey, "app-kek:v2"));
        using var strict = new EnvelopeEncryptor(ring, Policy(new EnvelopeDecryptPolicy { MinimumKeyVersion = 2 }));

        await Assert.ThrowsAsync<EnvelopeAuthenticationException>(async () => await strict.DecryptAsync(message, Context));
    }

    [Fact]
    public async Task LocalRing_SameKeyBytesUnderTwoIds_RelabelFailsBecauseTheIdIsBoundIntoTheWrap()
    {
        using var ring = Ring(("app-kek:v1", 7), ("app-kek:v2", 7));
        using var onlyV1 = TestKeks.Local(7, "app-kek:v1");
        var wrapped = await onlyV1.WrapKeyAsync(new byte[32], Context, default);

        var ex = await Assert.ThrowsAsync<KeyEncryptionKeyException>(async () => await ring.UnwrapAsync(wrapped with { KeyId = "app-kek:v2" }, Context, default));

        Assert.Equal("app-kek:v2", ex.KeyId);
        Assert.Contains("'app-kek:v2'", ex.Message, StringComparison.Ordinal);
        using var genuine = await ring.UnwrapAsync(wrapped, Context, default);
        Assert.Equal("app-kek:v1", genuine.KeyId);
        Assert.True(genuine.IsKeyIdVerified);
    }

    [Fact]
    public async Task LocalRing_RotatedKey_StillUnwrapsOldDataKeysByTheirVersion_AndPolicyUsesTheVerifiedVersion()
    {
        using var v1 = TestKeks.Local(1, "app-kek:v1");
        using var ring = Ring(("app-kek:v1", 1), ("app-kek:v2", 2));
        var old = await SealAsync(v1);
        var current = await SealAsync(ring);
        using var lenient = new EnvelopeEncryptor(ring);
        using var strict = new EnvelopeEncryptor(ring, Policy(new EnvelopeDecryptPolicy { MinimumKeyVersion = 2 }));

        Assert.Equal(Payload, await lenient.DecryptAsync(old, Context));
        Assert.Equal(Payload, await lenient.DecryptAsync(current, Context));
        Assert.Equal(Payload, await strict.DecryptAsync(current, Context));
        await Assert.ThrowsAsync<EnvelopeFormatException>(async () => await strict.DecryptAsync(old, Context));
    }

    [Fact]
    public async Task LegacyKek_WithoutVerifiedUnwrap_WorksWithoutKeyPolicy_ButIsRefusedWhenThePolicyRestrictsKeys()
    {
        var legacy = new LegacyKek(TestKeks.Local(1, "app-kek:v2"));
        var message = await SealAsync(legacy);
        using var lenient = new EnvelopeEncryptor(legacy);
        using var versioned = new EnvelopeEncryptor(legacy, Policy(new EnvelopeDecryptPolicy { MinimumKeyVersion = 2 }));
        using var allowList = new EnvelopeEncryptor(legacy, Policy(new EnvelopeDecryptPolicy { AllowedKeyIds = new HashSet<string> { "app-kek:v2" } }));

        using var unwrapped = await ((IKeyEncryptionKey)legacy).UnwrapAsync(new MessageLayout(message, 256).Header.WrappedKeys[0], Context, default);

        Assert.False(unwrapped.IsKeyIdVerified);
        Assert.Equal(Payload, await lenient.DecryptAsync(message, Context));
        await Assert.ThrowsAsync<EnvelopeAuthenticationException>(async () => await versioned.DecryptAsync(message, Context));
        await Assert.ThrowsAsync<EnvelopeAuthenticationException>(async () => await allowList.DecryptAsync(message, Context));
    }

    [Fact]
    public async Task KekReportingAnotherKeyIdThanTheMessageClaims_IsRefused()
    {
        using var inner = TestKeks.Local(1, "app-kek:v2");
        var message = await SealAsync(inner);
        using var honest = new EnvelopeEncryptor(inner);
        using var misreporting = new EnvelopeEncryptor(new MisreportingKek(inner, "app-kek:v3"));

        Assert.Equal(Payload, await honest.DecryptAsync(message, Context));
        await Assert.ThrowsAsync<EnvelopeAuthenticationException>(async () => await misreporting.DecryptAsync(message, Context));
    }

    [Fact]
    public void LocalKeyId_WithNul_IsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LocalKeyEncryptionKey(TestKeks.Key(1), "app\0kek:v1"));

        Assert.Contains("NUL", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalKeyFile_IsReadBounded_RawOrBase64_AndAnOversizedOrGarbledFileIsAClearError()
    {
        var key = TestKeks.Key(5);
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "  " + Convert.ToBase64String(key) + "\n");
            using (var fromBase64 = LocalKeyEncryptionKey.FromFile(file, "file:v1"))
            using (var raw = new LocalKeyEncryptionKey(key, "file:v1"))
            {
                var wrapped = await raw.WrapKeyAsync(new byte[32], Context, default);
                using var unwrapped = await fromBase64.UnwrapAsync(wrapped, Context, default);
                Assert.Equal(new byte[32], unwrapped.Plaintext.ToArray());
            }

            File.WriteAllBytes(file, new byte[1024 * 1024]);
            var oversized = Assert.Throws<FormatException>(() => LocalKeyEncryptionKey.FromFile(file, "file:v1"));
            File.WriteAllText(file, "not base64 at all!");
            var garbled = Assert.Throws<FormatException>(() => LocalKeyEncryptionKey.FromFile(file, "file:v1"));
            File.WriteAllText(file, Convert.ToBase64String(new byte[16]));
            var shortKey = Assert.Throws<ArgumentException>(() => LocalKeyEncryptionKey.FromFile(file, "file:v1"));

            Assert.Contains("larger than 4096 bytes", oversized.Message, StringComparison.Ordinal);
            Assert.Contains($"file '{file}'", garbled.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("not base64 at all", garbled.Message, StringComparison.Ordinal);
            Assert.Contains("file:v1", shortKey.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static LocalKeyEncryptionKey Ring(params (string Id, byte Seed)[] keys) =>
        new(keys.Select(k => new KeyValuePair<string, byte[]>(k.Id, TestKeks.Key(k.Seed))));

    private static EnvelopeEncryptorOptions Policy(EnvelopeDecryptPolicy policy) => new() { FrameSize = 256, DecryptPolicy = policy };

    private static async Task<byte[]> SealAsync(IKeyEncryptionKey kek)
    {
        using var encryptor = new EnvelopeEncryptor(kek, new EnvelopeEncryptorOptions { FrameSize = 256 });
        return await encryptor.EncryptAsync(Payload, Context);
    }

    /// <summary>A KEK written before <see cref="IKeyEncryptionKey.UnwrapAsync"/> existed: the default unwrap is unverified.</summary>
    private sealed class LegacyKek(IKeyEncryptionKey inner) : IKeyEncryptionKey
    {
        public string ProviderId => inner.ProviderId;

        public string KeyId => inner.KeyId;

        public bool CanUnwrap(string providerId, string keyId) => inner.CanUnwrap(providerId, keyId);

        public ValueTask<GeneratedDataKey> GenerateDataKeyAsync(int keySizeBytes, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
            inner.GenerateDataKeyAsync(keySizeBytes, context, cancellationToken);

        public ValueTask<WrappedDataKey> WrapKeyAsync(ReadOnlyMemory<byte> dataKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
            inner.WrapKeyAsync(dataKey, context, cancellationToken);

        public ValueTask<byte[]> UnwrapKeyAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
            inner.UnwrapKeyAsync(wrappedKey, context, cancellationToken);
    }

    /// <summary>A KEK whose verified key id differs from the claim it was asked to unwrap (a buggy or hostile implementation).</summary>
    private sealed class MisreportingKek(IKeyEncryptionKey inner, string reportedKeyId) : IKeyEncryptionKey
    {
        public string ProviderId => inner.ProviderId;

        public string KeyId => inner.KeyId;

        public bool CanUnwrap(string providerId, string keyId) => inner.CanUnwrap(providerId, keyId);

        public ValueTask<GeneratedDataKey> GenerateDataKeyAsync(int keySizeBytes, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
            inner.GenerateDataKeyAsync(keySizeBytes, context, cancellationToken);

        public ValueTask<WrappedDataKey> WrapKeyAsync(ReadOnlyMemory<byte> dataKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
            inner.WrapKeyAsync(dataKey, context, cancellationToken);

        public async ValueTask<UnwrappedDataKey> UnwrapAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
            new(await inner.UnwrapKeyAsync(wrappedKey, context, cancellationToken), reportedKeyId);

        public ValueTask<byte[]> UnwrapKeyAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
            inner.UnwrapKeyAsync(wrappedKey, context, cancellationToken);
    }
}
