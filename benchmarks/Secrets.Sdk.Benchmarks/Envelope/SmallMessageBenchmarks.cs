using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Secrets.Sdk.Encryption;

namespace Secrets.Sdk.Benchmarks.Envelope;

/// <summary>
/// 1 KiB messages: raw AES-GCM with a fresh key and nonce per message (baseline: what "a new data key per message"
/// costs at the very least) against the envelope with a cached data key (HKDF per message, no KEK call).
/// Messages per second = 1e9 / Mean(ns).
/// </summary>
[MemoryDiagnoser]
public class SmallMessageBenchmarks
{
    private readonly Dictionary<string, string> _context = new() { ["tenant"] = "orders" };
    private readonly byte[] _plaintext = RandomNumberGenerator.GetBytes(1024);
    private readonly byte[] _ciphertext = new byte[1024];
    private readonly byte[] _tag = new byte[16];
    private readonly byte[] _key = new byte[32];
    private readonly byte[] _nonce = new byte[12];
    private EnvelopeEncryptor _cached = null!;
    private EnvelopeEncryptor _uncached = null!;

    [GlobalSetup]
    public void Setup()
    {
        var kek = new LocalKeyEncryptionKey(RandomNumberGenerator.GetBytes(32), "bench:v1");
        _cached = new EnvelopeEncryptor(kek, new EnvelopeEncryptorOptions { DataKeyCache = new DataKeyCacheOptions() });
        _uncached = new EnvelopeEncryptor(kek);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cached.Dispose();
        _uncached.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw AesGcm, fresh key + nonce per 1 KiB message")]
    public byte[] RawFreshKey()
    {
        RandomNumberGenerator.Fill(_key);
        RandomNumberGenerator.Fill(_nonce);
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(_nonce, _plaintext, _ciphertext, _tag);
        return _ciphertext;
    }

    [Benchmark(Description = "envelope, cached data key, 1 KiB")]
    public ValueTask<byte[]> EnvelopeCachedKey() => _cached.EncryptAsync(_plaintext, _context);

    [Benchmark(Description = "envelope, fresh data key (local KEK wrap), 1 KiB")]
    public ValueTask<byte[]> EnvelopeFreshKey() => _uncached.EncryptAsync(_plaintext, _context);
}
