using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Secrets.Sdk.Encryption;

namespace Secrets.Sdk.Benchmarks.Envelope;

/// <summary>1 MiB envelope encrypt and decrypt against one raw <see cref="AesGcm"/> call over the same megabyte (baseline).</summary>
[MemoryDiagnoser]
public class EnvelopeThroughputBenchmarks
{
    private const int Size = 1 << 20;
    private readonly Dictionary<string, string> _context = new() { ["tenant"] = "orders" };
    private byte[] _plaintext = null!;
    private byte[] _ciphertext = null!;
    private byte[] _tag = null!;
    private byte[] _nonce = null!;
    private byte[] _message = null!;
    private AesGcm _aes = null!;
    private readonly System.Buffers.ArrayBufferWriter<byte> _writer = new(2 << 20);
    private EnvelopeEncryptor _encryptor = null!;

    [GlobalSetup]
    public void Setup()
    {
        _plaintext = RandomNumberGenerator.GetBytes(Size);
        _ciphertext = new byte[Size];
        _tag = new byte[16];
        _nonce = new byte[12];
        _aes = new AesGcm(RandomNumberGenerator.GetBytes(32), 16);
        _encryptor = new EnvelopeEncryptor(
            new LocalKeyEncryptionKey(RandomNumberGenerator.GetBytes(32), "bench:v1"),
            new EnvelopeEncryptorOptions { DataKeyCache = new DataKeyCacheOptions() });
        _message = _encryptor.EncryptAsync(_plaintext, _context).AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _aes.Dispose();
        _encryptor.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw AesGcm.Encrypt, 1 MiB, one call")]
    public byte[] RawAesGcm()
    {
        _aes.Encrypt(_nonce, _plaintext, _ciphertext, _tag);
        return _ciphertext;
    }

    [Benchmark(Description = "raw AesGcm.Encrypt, 1 MiB, into a new array")]
    public byte[] RawAesGcmAllocating()
    {
        var output = GC.AllocateUninitializedArray<byte>(Size + 16);
        _aes.Encrypt(_nonce, _plaintext, output.AsSpan(0, Size), output.AsSpan(Size));
        return output;
    }

    [Benchmark(Description = "EnvelopeEncryptor.EncryptAsync, 1 MiB (AES-256-GCM, 64 KiB frames)")]
    public ValueTask<byte[]> Encrypt() => _encryptor.EncryptAsync(_plaintext, _context);

    [Benchmark(Description = "EnvelopeEncryptor.EncryptAsync into a reused IBufferWriter, 1 MiB")]
    public ValueTask<int> EncryptToWriter()
    {
        _writer.ResetWrittenCount();
        return _encryptor.EncryptAsync(_plaintext, _writer, _context);
    }

    [Benchmark(Description = "EnvelopeEncryptor.DecryptAsync into a reused IBufferWriter, 1 MiB")]
    public ValueTask<int> DecryptToWriter()
    {
        _writer.ResetWrittenCount();
        return _encryptor.DecryptAsync(_message, _writer, _context);
    }

    [Benchmark(Description = "EnvelopeEncryptor.DecryptAsync, 1 MiB")]
    public ValueTask<byte[]> Decrypt() => _encryptor.DecryptAsync(_message, _context);
}
