using System.Collections.Concurrent;
using System.Security.Cryptography;
using Secrets.Sdk.Encryption.Tests.Infrastructure;

namespace Secrets.Sdk.Encryption.Tests;

public sealed class CachingAndConcurrencyTests
{
    private static readonly Dictionary<string, string> Context = new() { ["tenant"] = "orders" };

    [Fact]
    public async Task NoCache_EveryMessageGetsAFreshDataKey()
    {
        var kek = new CountingKek(TestKeks.Local());
        using var encryptor = new EnvelopeEncryptor(kek);

        for (var i = 0; i < 5; i++)
        {
            await encryptor.EncryptAsync("x"u8.ToArray(), Context);
        }

        Assert.Equal(5, kek.Calls);
        Assert.Equal(5, encryptor.KeyEncryptionKeyCalls);
    }

    [Fact]
    public async Task ParallelEncryption_WithCachedKey_MessageIdsAndNoncesNeverRepeat()
    {
        var kek = new CountingKek(TestKeks.Local());
        using var encryptor = new EnvelopeEncryptor(kek, new EnvelopeEncryptorOptions { DataKeyCache = new DataKeyCacheOptions() });
        var messages = new ConcurrentBag<byte[]>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 2000), async (_, ct) => messages.Add(await encryptor.EncryptAsync(RandomNumberGenerator.GetBytes(32), Context, ct)));

        Assert.Equal(1, kek.Calls);
        var ids = messages.Select(m => Convert.ToHexString(m.AsSpan(6, 32))).ToArray();
        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.Single(messages.Select(m => Convert.ToHexString(new MessageLayout(m, 64 * 1024).Header.WrappedKeys[0].Ciphertext.Span)).Distinct());
        Assert.All(messages.Take(50), m => Assert.Equal(32, encryptor.DecryptAsync(m, Context).AsTask().Result.Length));
    }

    [Theory]
    [InlineData(10, long.MaxValue)]
    [InlineData(1_000_000, 1000)]
    public async Task CacheLimits_HoldUnderConcurrency(long maxMessages, long maxBytes)
    {
        var kek = new CountingKek(TestKeks.Local());
        var options = new EnvelopeEncryptorOptions { DataKeyCache = new DataKeyCacheOptions { MaxMessages = maxMessages, MaxBytes = maxBytes } };
        using var encryptor = new EnvelopeEncryptor(kek, options);
        var messages = new ConcurrentBag<byte[]>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) => messages.Add(await encryptor.EncryptAsync(new byte[100], Context, ct)));

        var perKey = messages.GroupBy(m => Convert.ToHexString(new MessageLayout(m, 64 * 1024).Header.WrappedKeys[0].Ciphertext.Span)).Select(g => g.Count()).ToArray();
        Assert.All(perKey, count => Assert.InRange(count, 1, 10));
        Assert.True(kek.Calls >= 20, $"200 messages at 10 per key need at least 20 data keys; got {kek.Calls}");
        Assert.Equal(kek.Calls, perKey.Length);
    }

    [Fact]
    public async Task CacheMaxAge_RetiresTheKey()
    {
        var clock = new ManualClock();
        var kek = new CountingKek(TestKeks.Local());
        var options = new EnvelopeEncryptorOptions { TimeProvider = clock, DataKeyCache = new DataKeyCacheOptions { MaxAge = TimeSpan.FromMinutes(5) } };
        using var encryptor = new EnvelopeEncryptor(kek, options);

        await encryptor.EncryptAsync("a"u8.ToArray(), Context);
        clock.Advance(TimeSpan.FromMinutes(4));
        await encryptor.EncryptAsync("b"u8.ToArray(), Context);
        Assert.Equal(1, kek.Calls);
        clock.Advance(TimeSpan.FromMinutes(2));
        await encryptor.EncryptAsync("c"u8.ToArray(), Context);

        Assert.Equal(2, kek.Calls);
    }

    [Fact]
    public async Task CacheIsPerContext()
    {
        var kek = new CountingKek(TestKeks.Local());
        using var encryptor = new EnvelopeEncryptor(kek, new EnvelopeEncryptorOptions { DataKeyCache = new DataKeyCacheOptions() });

        await encryptor.EncryptAsync("a"u8.ToArray(), new Dictionary<string, string> { ["tenant"] = "a" });
        await encryptor.EncryptAsync("b"u8.ToArray(), new Dictionary<string, string> { ["tenant"] = "b" });
        await encryptor.EncryptAsync("c"u8.ToArray(), new Dictionary<string, string> { ["tenant"] = "a" });

        Assert.Equal(2, kek.Calls);
    }

    [Fact]
    public async Task DecryptSide_WithCache_UnwrapsOncePerDataKey()
    {
        var kek = new CountingKek(TestKeks.Local());
        using var encryptor = new EnvelopeEncryptor(kek, new EnvelopeEncryptorOptions { DataKeyCache = new DataKeyCacheOptions() });
        var messages = new List<byte[]>();
        for (var i = 0; i < 10; i++)
        {
            messages.Add(await encryptor.EncryptAsync("x"u8.ToArray(), Context));
        }

        foreach (var message in messages)
        {
            await encryptor.DecryptAsync(message, Context);
        }

        Assert.Equal(2, kek.Calls); // one generate, one unwrap
    }
}
