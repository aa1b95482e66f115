using System.Security.Cryptography;
using Secrets.Sdk.Encryption.Tests.Infrastructure;

namespace Secrets.Sdk.Encryption.Tests;

public sealed class RoundTripTests
{
    private const int Frame = 1024;
    private static readonly Dictionary<string, string> Context = new() { ["tenant"] = "orders", ["purpose"] = "db-backup" };

    public static TheoryData<int, EnvelopeSuite> Sizes()
    {
        var data = new TheoryData<int, EnvelopeSuite>();
        foreach (var suite in new[] { EnvelopeSuite.Aes256Gcm, EnvelopeSuite.ChaCha20Poly1305 })
        {
            foreach (var size in new[] { 0, 1, Frame - 1, Frame, Frame + 1, (7 * Frame) + 13, 8 * Frame })
            {
                data.Add(size, suite);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Bytes_RoundTrip(int size, EnvelopeSuite suite)
    {
        using var encryptor = new EnvelopeEncryptor(TestKeks.Local(), new EnvelopeEncryptorOptions { FrameSize = Frame, Suite = suite });
        var plaintext = RandomNumberGenerator.GetBytes(size);

        var sealedMessage = await encryptor.EncryptAsync(plaintext, Context);
        var opened = await encryptor.DecryptAsync(sealedMessage, Context);

        Assert.Equal(plaintext, opened);
        Assert.Equal(suite, (EnvelopeSuite)sealedMessage[5]);
        Assert.Equal(size == 0 ? 1 : ((size - 1) / Frame) + 1, new MessageLayout(sealedMessage, Frame).Frames.Count);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Stream_RoundTrip_AndMatchesByteLayout(int size, EnvelopeSuite suite)
    {
        using var encryptor = new EnvelopeEncryptor(TestKeks.Local(), new EnvelopeEncryptorOptions { FrameSize = Frame, Suite = suite });
        var plaintext = RandomNumberGenerator.GetBytes(size);
        using var sealedStream = new MemoryStream();

        await encryptor.EncryptAsync(new NonSeekableStream(new MemoryStream(plaintext)), sealedStream, Context);
        var fromBytes = await encryptor.DecryptAsync(sealedStream.ToArray(), Context);
        using var opened = new MemoryStream();
        sealedStream.Position = 0;
        await encryptor.DecryptAsync(new NonSeekableStream(sealedStream), opened, Context);

        Assert.Equal(plaintext, fromBytes);
        Assert.Equal(plaintext, opened.ToArray());
    }

    [Fact]
    public async Task BufferWriterOverloads_MatchByteApi_AndReuseTheWriter()
    {
        using var encryptor = new EnvelopeEncryptor(TestKeks.Local(), new EnvelopeEncryptorOptions { FrameSize = Frame });
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        var plain = new System.Buffers.ArrayBufferWriter<byte>();
        for (var size = 0; size < 3 * Frame; size += Frame - 1)
        {
            var plaintext = RandomNumberGenerator.GetBytes(size);
            writer.ResetWrittenCount();
            plain.ResetWrittenCount();

            var written = await encryptor.EncryptAsync(plaintext, writer, Context);
            var opened = await encryptor.DecryptAsync(writer.WrittenMemory, plain, Context);

            Assert.Equal(written, writer.WrittenCount);
            Assert.Equal(size, opened);
            Assert.Equal(plaintext, plain.WrittenSpan.ToArray());
            Assert.Equal(plaintext, await encryptor.DecryptAsync(writer.WrittenMemory.ToArray(), Context));
        }

        var tampered = writer.WrittenMemory.ToArray();
        tampered[^1] ^= 1;
        plain.ResetWrittenCount();
        await Assert.ThrowsAsync<EnvelopeAuthenticationException>(async () => await encryptor.DecryptAsync(tampered, plain, Context));
        Assert.Equal(0, plain.WrittenCount);
    }

    [Fact]
    public async Task Context_OrderOfCallerDictionaryDoesNotMatter()
    {
        using var encryptor = new EnvelopeEncryptor(TestKeks.Local());
        var sealedMessage = await encryptor.EncryptAsync("x"u8.ToArray(), new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" });

        var opened = await encryptor.DecryptAsync(sealedMessage, new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });

        Assert.Equal("x"u8.ToArray(), opened);
    }

    [Fact]
    public async Task MultipleKeks_AnyOneDecrypts()
    {
        var a = TestKeks.Local(1, "kek-a:v1");
        var b = TestKeks.Local(2, "kek-b:v1");
        using var writer = new EnvelopeEncryptor([a, b]);
        var sealedMessage = await writer.EncryptAsync("both"u8.ToArray(), Context);

        using var onlyB = new EnvelopeEncryptor(b);
        using var onlyA = new EnvelopeEncryptor(a);

        Assert.Equal("both"u8.ToArray(), await onlyB.DecryptAsync(sealedMessage, Context));
        Assert.Equal("both"u8.ToArray(), await onlyA.DecryptAsync(sealedMessage, Context));
        Assert.Equal(2, new MessageLayout(sealedMessage, 64 * 1024).Header.WrappedKeys.Count);
    }

    [Fact]
    public async Task Armor_RoundTripsText_AndRejectsForeignText()
    {
        using var encryptor = new EnvelopeEncryptor(TestKeks.Local());

        var armored = await encryptor.EncryptToTextAsync("connection-string", Context);

        Assert.StartsWith(EnvelopeArmor.Prefix, armored, StringComparison.Ordinal);
        Assert.DoesNotContain('=', armored);
        Assert.DoesNotContain('+', armored);
        Assert.DoesNotContain('/', armored);
        Assert.Equal("connection-string", await encryptor.DecryptTextAsync(armored, Context));
        Assert.Throws<EnvelopeFormatException>(() => EnvelopeArmor.Decode("hello"));
        Assert.Throws<EnvelopeFormatException>(() => EnvelopeArmor.Decode(EnvelopeArmor.Prefix + "a+b/"));
    }

    [Fact]
    public async Task Rewrap_MovesToNewKek_BodyBytesUnchanged_OldKekNoLongerOpens()
    {
        var oldKek = TestKeks.Local(1, "old:v1");
        var newKek = TestKeks.Local(9, "new:v1");
        using var oldEncryptor = new EnvelopeEncryptor(oldKek, new EnvelopeEncryptorOptions { FrameSize = Frame });
        var plaintext = RandomNumberGenerator.GetBytes((3 * Frame) + 5);
        var sealedMessage = await oldEncryptor.EncryptAsync(plaintext, Context);

        var moved = await oldEncryptor.RewrapAsync(sealedMessage, newKek);

        var before = new MessageLayout(sealedMessage, Frame);
        var after = new MessageLayout(moved, Frame);
        Assert.Equal(before.Frames.SelectMany(f => f), after.Frames.SelectMany(f => f));
        Assert.Equal("new:v1", Assert.Single(after.Header.WrappedKeys).KeyId);
        using var newEncryptor = new EnvelopeEncryptor(newKek);
        Assert.Equal(plaintext, await newEncryptor.DecryptAsync(moved, Context));
        await Assert.ThrowsAsync<EnvelopeAuthenticationException>(async () => await oldEncryptor.DecryptAsync(moved, Context));
    }

    [Fact]
    public async Task KeyRing_NewestEncrypts_OlderDecrypts_MinimumVersionEnforced()
    {
        var v1 = new LocalKeyEncryptionKey(TestKeks.Key(1), "app-kek:v1");
        var ring = new LocalKeyEncryptionKey([new("app-kek:v1", TestKeks.Key(1)), new("app-kek:v2", TestKeks.Key(2))]);
        using var oldWriter = new EnvelopeEncryptor(v1);
        var oldMessage = await oldWriter.EncryptAsync("old"u8.ToArray(), Context);
        using var reader = new EnvelopeEncryptor(ring);
        var newMessage = await reader.EncryptAsync("new"u8.ToArray(), Context);

        Assert.Equal("app-kek:v2", new MessageLayout(newMessage, 64 * 1024).Header.WrappedKeys[0].KeyId);
        Assert.Equal("old"u8.ToArray(), await reader.DecryptAsync(oldMessage, Context));

        var strict = new EnvelopeEncryptorOptions { DecryptPolicy = new EnvelopeDecryptPolicy { MinimumKeyVersion = 2 } };
        using var strictReader = new EnvelopeEncryptor(ring, strict);
        var ex = await Assert.ThrowsAsync<EnvelopeFormatException>(async () => await strictReader.DecryptAsync(oldMessage, Context));
        Assert.Contains("app-kek:v1", ex.Message, StringComparison.Ordinal);
        var rewrapped = await reader.RewrapAsync(oldMessage, ring);
        Assert.Equal("old"u8.ToArray(), await strictReader.DecryptAsync(rewrapped, Context));
    }

    [Fact]
    public async Task AllowedKeyIds_RejectOtherKeysBeforeAnyKekCall()
    {
        var kek = new CountingKek(TestKeks.Local(1, "a:v1"));
        using var writer = new EnvelopeEncryptor(kek);
        var sealedMessage = await writer.EncryptAsync("x"u8.ToArray(), Context);
        var calls = kek.Calls;
        var options = new EnvelopeEncryptorOptions { DecryptPolicy = new EnvelopeDecryptPolicy { AllowedKeyIds = new HashSet<string> { "b:v1" } } };
        using var reader = new EnvelopeEncryptor(kek, options);

        var ex = await Assert.ThrowsAsync<EnvelopeFormatException>(async () => await reader.DecryptAsync(sealedMessage, Context));

        Assert.Contains("decrypt policy", ex.Message, StringComparison.Ordinal);
        Assert.Equal(calls, kek.Calls);
    }

    [Fact]
    public void LocalKek_FromEnvironmentAndFile_AndBadKeySizeNamesTheKeyId()
    {
        var key = TestKeks.Key(3);
        var variable = "SECRETS_SDK_TEST_KEK_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, Convert.ToBase64String(key));
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, key);
            using var fromEnv = LocalKeyEncryptionKey.FromEnvironment(variable, "env:v1");
            using var fromFile = LocalKeyEncryptionKey.FromFile(file, "file:v1");

            Assert.Equal("env:v1", fromEnv.KeyId);
            Assert.Equal("file:v1", fromFile.KeyId);
            var ex = Assert.Throws<ArgumentException>(() => new LocalKeyEncryptionKey(new byte[16], "short:v1"));
            Assert.Contains("short:v1", ex.Message, StringComparison.Ordinal);
            Assert.Throws<InvalidOperationException>(() => LocalKeyEncryptionKey.FromEnvironment(variable + "_MISSING", "x"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
            File.Delete(file);
        }
    }
}
