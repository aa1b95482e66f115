using System.Buffers.Binary;
using System.Security.Cryptography;
using Secrets.Sdk.Encryption.Tests.Infrastructure;

namespace Secrets.Sdk.Encryption.Tests;

/// <summary>Every attack fails with the uniform error (or a format error before key use) and releases no plaintext.</summary>
public sealed class TamperingTests
{
    private const int Frame = 256;
    private static readonly Dictionary<string, string> Context = new() { ["tenant"] = "orders" };

    [Fact]
    public async Task Truncation_DropFinalFrame_Fails()
    {
        var (encryptor, message, layout) = await SealAsync(4 * Frame);

        await AssertUniformAsync(encryptor, MessageLayout.Assemble(layout.HeaderBytes, layout.Frames.SkipLast(1)));
    }

    [Fact]
    public async Task Truncation_CutMidFrame_Fails()
    {
        var (encryptor, message, _) = await SealAsync(4 * Frame);

        await AssertUniformAsync(encryptor, message[..^7]);
        await AssertUniformAsync(encryptor, message[..(message.Length / 2)]);
    }

    [Fact]
    public async Task Truncation_EmptyBodyOrCutHeader_Fails()
    {
        var (encryptor, message, layout) = await SealAsync(10);

        await AssertUniformAsync(encryptor, layout.HeaderBytes);
        await AssertUniformAsync(encryptor, message[..(layout.HeaderLength - 3)]);
    }

    [Fact]
    public async Task Reordering_SwappedFrames_Fails()
    {
        var (encryptor, _, layout) = await SealAsync(4 * Frame);
        var frames = layout.Frames.ToList();
        (frames[0], frames[1]) = (frames[1], frames[0]);

        await AssertUniformAsync(encryptor, MessageLayout.Assemble(layout.HeaderBytes, frames));
    }

    [Fact]
    public async Task DuplicatedAndSkippedFrames_Fail()
    {
        var (encryptor, _, layout) = await SealAsync(4 * Frame);
        var f = layout.Frames;

        await AssertUniformAsync(encryptor, MessageLayout.Assemble(layout.HeaderBytes, [f[0], f[0], f[1], f[2], f[3]]));
        await AssertUniformAsync(encryptor, MessageLayout.Assemble(layout.HeaderBytes, [f[0], f[2], f[3]]));
    }

    [Fact]
    public async Task TrailingBytes_AndTwoFinalFrames_Fail()
    {
        var (encryptor, message, layout) = await SealAsync(2 * Frame);

        await AssertUniformAsync(encryptor, [.. message, 0]);
        await AssertUniformAsync(encryptor, [.. message, .. layout.Frames[^1]]);
    }

    [Fact]
    public async Task HeaderBitFlips_InEveryByte_AllFail()
    {
        var (encryptor, message, layout) = await SealAsync(Frame + 3);
        for (var i = 0; i < layout.HeaderLength; i++)
        {
            foreach (var bit in new[] { 0x01, 0x80 })
            {
                var tampered = (byte[])message.Clone();
                tampered[i] ^= (byte)bit;
                var ex = await Assert.ThrowsAnyAsync<EnvelopeException>(async () => await encryptor.DecryptAsync(tampered, Context));
                if (ex is EnvelopeAuthenticationException)
                {
                    Assert.Equal(EnvelopeAuthenticationException.UniformMessage, ex.Message);
                }
            }
        }
    }

    [Fact]
    public async Task SuiteDowngrade_Fails()
    {
        var (encryptor, message, _) = await SealAsync(100);
        var tampered = (byte[])message.Clone();
        tampered[5] = (byte)EnvelopeSuite.ChaCha20Poly1305;

        await AssertUniformAsync(encryptor, tampered);
    }

    [Fact]
    public async Task KeyCommitmentMismatch_AnotherDataKeyInTheHeader_FailsAfterUnwrap()
    {
        var kek = new CountingKek(TestKeks.Local());
        using var encryptor = new EnvelopeEncryptor(kek, new EnvelopeEncryptorOptions { FrameSize = Frame });
        var a = new MessageLayout(await encryptor.EncryptAsync(RandomNumberGenerator.GetBytes(50), Context), Frame);
        var b = new MessageLayout(await encryptor.EncryptAsync(RandomNumberGenerator.GetBytes(50), Context), Frame);

        // Message A's header (commitment, tag, body) with message B's wrapped data key: a different data key.
        var forged = HeaderCodec.WriteAuthenticatedPart(a.Header.Suite, a.Header.MessageId, a.Header.FrameSize, a.Header.Context, b.Header.WrappedKeys, a.Header.Commitment);
        var calls = kek.Calls;
        await AssertUniformAsync(encryptor, MessageLayout.Assemble([.. forged, .. a.Header.Tag], a.Frames));
        Assert.Equal(calls + 2, kek.Calls); // One unwrap per attempt (bytes and stream): the commitment check comes after it.
    }

    [Fact]
    public async Task Splicing_FramesFromAnotherMessageUnderCachedDataKey_Fails()
    {
        var kek = new CountingKek(TestKeks.Local());
        using var encryptor = new EnvelopeEncryptor(kek, new EnvelopeEncryptorOptions { FrameSize = Frame, DataKeyCache = new DataKeyCacheOptions() });
        var a = new MessageLayout(await encryptor.EncryptAsync(RandomNumberGenerator.GetBytes(3 * Frame), Context), Frame);
        var b = new MessageLayout(await encryptor.EncryptAsync(RandomNumberGenerator.GetBytes(3 * Frame), Context), Frame);
        Assert.Equal(1, kek.Calls); // Both messages share one cached data key.

        await AssertUniformAsync(encryptor, MessageLayout.Assemble(a.HeaderBytes, [b.Frames[0], a.Frames[1], a.Frames[2]]));
        await AssertUniformAsync(encryptor, MessageLayout.Assemble(a.HeaderBytes, b.Frames));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65_535)]
    public async Task WrappedKeyBombs_RejectedBeforeAnyKekCall(int count)
    {
        var kek = new CountingKek(TestKeks.Local());
        using var encryptor = new EnvelopeEncryptor(kek, new EnvelopeEncryptorOptions { FrameSize = Frame });
        var layout = new MessageLayout(await encryptor.EncryptAsync("x"u8.ToArray(), Context), Frame);
        var calls = kek.Calls;
        var bomb = Bomb(layout.Header, (ushort)count);

        var ex = await Assert.ThrowsAsync<EnvelopeFormatException>(async () => await encryptor.DecryptAsync(bomb, Context));

        Assert.Contains(count == 0 ? "no wrapped data key" : "65535 wrapped data keys", ex.Message, StringComparison.Ordinal);
        Assert.Equal(calls, kek.Calls);
    }

    [Fact]
    public async Task HeaderAndBodyOverPolicyLimits_AreRejectedBeforeAnyKekCall()
    {
        var kek = new CountingKek(TestKeks.Local());
        using var writer = new EnvelopeEncryptor(kek, new EnvelopeEncryptorOptions { FrameSize = Frame });
        var bigContext = new Dictionary<string, string> { ["note"] = new string('x', 2000) };
        var bigHeader = await writer.EncryptAsync("x"u8.ToArray(), bigContext);
        var bigBody = await writer.EncryptAsync(new byte[10 * Frame], Context);
        var calls = kek.Calls;
        var strict = new EnvelopeEncryptorOptions { FrameSize = Frame, DecryptPolicy = new EnvelopeDecryptPolicy { MaxHeaderBytes = 1024, MaxBodyBytes = 4 * Frame } };
        using var reader = new EnvelopeEncryptor(kek, strict);

        var header = await Assert.ThrowsAsync<EnvelopeFormatException>(async () => await reader.DecryptAsync(bigHeader, bigContext));
        var body = await Assert.ThrowsAsync<EnvelopeFormatException>(async () => await reader.DecryptAsync(bigBody, Context));

        Assert.Contains("1024-byte limit", header.Message, StringComparison.Ordinal);
        Assert.Contains($"{4 * Frame}-byte limit", body.Message, StringComparison.Ordinal);
        Assert.Equal(calls, kek.Calls);
    }

    [Fact]
    public async Task Context_Mismatch_MissingOrExtraEntry_Fails()
    {
        var (encryptor, message, _) = await SealAsync(10);

        await AssertUniformAsync(encryptor, message, new Dictionary<string, string> { ["tenant"] = "billing" });
        await AssertUniformAsync(encryptor, message, new Dictionary<string, string>());
        await AssertUniformAsync(encryptor, message, new Dictionary<string, string> { ["tenant"] = "orders", ["extra"] = "1" });
    }

    [Fact]
    public async Task Context_ReorderedOrDuplicateKeysInHeader_Fail()
    {
        using var encryptor = new EnvelopeEncryptor(TestKeks.Local(), new EnvelopeEncryptorOptions { FrameSize = Frame });
        var context = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" };
        var message = await encryptor.EncryptAsync("x"u8.ToArray(), context);
        var reordered = SwapContextEntries(message, "a", "1", "b", "2", "b", "2", "a", "1");
        var duplicated = SwapContextEntries(message, "a", "1", "b", "2", "a", "1", "a", "1");

        await AssertUniformAsync(encryptor, reordered, context);
        await AssertUniformAsync(encryptor, duplicated, new Dictionary<string, string> { ["a"] = "1" });
    }

    [Fact]
    public async Task WrongKek_Fails()
    {
        var (_, message, _) = await SealAsync(10);
        using var other = new EnvelopeEncryptor(TestKeks.Local(42), new EnvelopeEncryptorOptions { FrameSize = Frame });

        await AssertUniformAsync(other, message);
    }

    [Fact]
    public async Task StreamingDecrypt_TamperedLastFrame_WritesOnlyVerifiedFrames()
    {
        var (encryptor, _, layout) = await SealAsync((3 * Frame) + 10, out var plaintext);
        layout.Frames[^1][20] ^= 1;
        var tampered = MessageLayout.Assemble(layout.HeaderBytes, layout.Frames);
        using var output = new MemoryStream();

        await Assert.ThrowsAsync<EnvelopeAuthenticationException>(() => encryptor.DecryptAsync(new MemoryStream(tampered), output, Context));

        Assert.Equal(3 * Frame, output.Length);
        Assert.Equal(plaintext[..(3 * Frame)], output.ToArray());
    }

    [Fact]
    public async Task MutationLoop_NeverCrashesNorReturnsPlaintext()
    {
        var random = new Random(20261122);
        using var encryptor = new EnvelopeEncryptor(TestKeks.Local(), new EnvelopeEncryptorOptions { FrameSize = 64 });
        var messages = new List<byte[]>();
        foreach (var size in new[] { 0, 1, 63, 64, 65, 200 })
        {
            messages.Add(await encryptor.EncryptAsync(RandomNumberGenerator.GetBytes(size), Context));
        }

        for (var i = 0; i < 3000; i++)
        {
            var original = messages[random.Next(messages.Count)];
            var mutated = Mutate(original, random);
            if (mutated.AsSpan().SequenceEqual(original))
            {
                continue;
            }

            var ex = await Record.ExceptionAsync(async () => await encryptor.DecryptAsync(mutated, Context));
            Assert.True(ex is EnvelopeException, $"iteration {i}: expected an EnvelopeException, got {ex?.GetType().Name ?? "plaintext"}");
        }
    }

    [Fact]
    public async Task Errors_CarryNoPlaintextOrKeyMaterial()
    {
        var plaintext = "SENTINEL-PLAINTEXT-42"u8.ToArray();
        var kek = TestKeks.Local();
        using var encryptor = new EnvelopeEncryptor(kek);
        var message = await encryptor.EncryptAsync(plaintext, Context);
        message[^3] ^= 1;

        var ex = await Assert.ThrowsAsync<EnvelopeAuthenticationException>(async () => await encryptor.DecryptAsync(message, Context));

        Assert.Equal(EnvelopeAuthenticationException.UniformMessage, ex.Message);
        Assert.Null(ex.InnerException);
        Assert.DoesNotContain("SENTINEL", ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(TestKeks.Key(1)), ex.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(TestKeks.Key(1)), kek.ToString(), StringComparison.Ordinal);
    }

    private static byte[] Mutate(byte[] message, Random random)
    {
        var copy = (byte[])message.Clone();
        switch (random.Next(4))
        {
            case 0:
                for (var n = random.Next(1, 4); n > 0; n--)
                {
                    copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                }

                return copy;
            case 1:
                return copy[..random.Next(copy.Length)];
            case 2:
                var at = random.Next(copy.Length);
                return [.. copy[..at], (byte)random.Next(256), .. copy[at..]];
            default:
                copy[random.Next(copy.Length)] = (byte)random.Next(256);
                return copy;
        }
    }

    private static byte[] Bomb(EnvelopeHeader header, ushort count)
    {
        var prefix = HeaderCodec.WriteAuthenticatedPart(header.Suite, header.MessageId, header.FrameSize, header.Context, header.WrappedKeys, header.Commitment);
        var contextEntries = header.Context.Sum(kv => (2 * EnvelopeLayout.CountSize) + System.Text.Encoding.UTF8.GetByteCount(kv.Key) + System.Text.Encoding.UTF8.GetByteCount(kv.Value));
        var countOffset = EnvelopeLayout.FixedHeaderSize + contextEntries;
        var bomb = prefix[..(countOffset + EnvelopeLayout.CountSize)];
        BinaryPrimitives.WriteUInt16BigEndian(bomb.AsSpan(countOffset), count);
        return bomb;
    }

    private static byte[] SwapContextEntries(byte[] message, params string[] pairs)
    {
        // pairs: the two original entries (k1,v1,k2,v2), then the two replacement entries in the order to write.
        var original = Entry(pairs[0], pairs[1]).Concat(Entry(pairs[2], pairs[3])).ToArray();
        var replacement = Entry(pairs[4], pairs[5]).Concat(Entry(pairs[6], pairs[7])).ToArray();
        var index = message.AsSpan().IndexOf(original);
        Assert.True(index > 0);
        var copy = (byte[])message.Clone();
        replacement.CopyTo(copy, index);
        return copy;

        static byte[] Entry(string key, string value) =>
            [0, (byte)key.Length, .. System.Text.Encoding.UTF8.GetBytes(key), 0, (byte)value.Length, .. System.Text.Encoding.UTF8.GetBytes(value)];
    }

    private static async Task AssertUniformAsync(EnvelopeEncryptor encryptor, byte[] message, IReadOnlyDictionary<string, string>? context = null)
    {
        var ex = await Assert.ThrowsAsync<EnvelopeAuthenticationException>(async () => await encryptor.DecryptAsync(message, context ?? Context));
        Assert.Equal(EnvelopeAuthenticationException.UniformMessage, ex.Message);
        using var output = new MemoryStream();
        await Assert.ThrowsAsync<EnvelopeAuthenticationException>(() => encryptor.DecryptAsync(new MemoryStream(message), output, context ?? Context));
    }

    private static Task<(EnvelopeEncryptor Encryptor, byte[] Message, MessageLayout Layout)> SealAsync(int size) => SealAsync(size, out _);

    private static Task<(EnvelopeEncryptor Encryptor, byte[] Message, MessageLayout Layout)> SealAsync(int size, out byte[] plaintext)
    {
        var data = RandomNumberGenerator.GetBytes(size);
        plaintext = data;
        return Core();

        async Task<(EnvelopeEncryptor, byte[], MessageLayout)> Core()
        {
            var encryptor = new EnvelopeEncryptor(TestKeks.Local(), new EnvelopeEncryptorOptions { FrameSize = Frame });
            var message = await encryptor.EncryptAsync(data, Context);
            return (encryptor, message, new MessageLayout(message, Frame));
        }
    }
}
