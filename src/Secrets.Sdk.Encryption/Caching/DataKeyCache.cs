using System.Security.Cryptography;

namespace Secrets.Sdk.Encryption;

/// <summary>
/// Reuses data keys across messages within <see cref="DataKeyCacheOptions"/> limits (age, messages, bytes), enforced
/// under a lock per context so concurrent encryptions can never exceed them. Retired keys are zeroed.
/// </summary>
internal sealed class DataKeyCache : IDisposable
{
    private readonly DataKeyCacheOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<string, Entry> _encryption = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (byte[] Key, DateTimeOffset At)> _decryption = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public DataKeyCache(DataKeyCacheOptions options, TimeProvider timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// Copies a cached data key for one message of <paramref name="bytes"/> bytes into <paramref name="destination"/>,
    /// charging it against the limits; returns the wrapped keys, or null when a fresh key is needed.
    /// </summary>
    public IReadOnlyList<WrappedDataKey>? TryUse(string context, long bytes, Span<byte> destination)
    {
        lock (_gate)
        {
            if (!_encryption.TryGetValue(context, out var entry))
            {
                return null;
            }

            var expired = _timeProvider.GetUtcNow() - entry.CreatedAt >= _options.MaxAge;
            if (expired || entry.Messages + 1 > _options.MaxMessages || entry.Bytes + bytes > _options.MaxBytes)
            {
                Retire(context, entry);
                return null;
            }

            entry.Messages++;
            entry.Bytes += bytes;
            entry.Key.CopyTo(destination);
            return entry.Wrapped;
        }
    }

    /// <summary>Caches a fresh data key (already used for one message of <paramref name="bytes"/> bytes).</summary>
    public void Add(string context, ReadOnlySpan<byte> key, IReadOnlyList<WrappedDataKey> wrapped, long bytes)
    {
        lock (_gate)
        {
            if (_encryption.TryGetValue(context, out var old))
            {
                Retire(context, old);
            }

            _encryption[context] = new Entry(key.ToArray(), wrapped, _timeProvider.GetUtcNow()) { Messages = 1, Bytes = bytes };
        }
    }

    public bool TryGetUnwrapped(string cacheKey, Span<byte> destination)
    {
        lock (_gate)
        {
            if (_decryption.TryGetValue(cacheKey, out var cached))
            {
                if (_timeProvider.GetUtcNow() - cached.At < _options.MaxAge)
                {
                    cached.Key.CopyTo(destination);
                    return true;
                }

                CryptographicOperations.ZeroMemory(cached.Key);
                _decryption.Remove(cacheKey);
            }

            return false;
        }
    }

    public void AddUnwrapped(string cacheKey, ReadOnlySpan<byte> key)
    {
        lock (_gate)
        {
            if (_decryption.Count >= 1024)
            {
                foreach (var (k, v) in _decryption)
                {
                    CryptographicOperations.ZeroMemory(v.Key);
                }

                _decryption.Clear();
            }

            _decryption[cacheKey] = (key.ToArray(), _timeProvider.GetUtcNow());
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var (context, entry) in _encryption.ToArray())
            {
                Retire(context, entry);
            }

            foreach (var (_, v) in _decryption)
            {
                CryptographicOperations.ZeroMemory(v.Key);
            }

            _decryption.Clear();
        }
    }

    private void Retire(string context, Entry entry)
    {
        CryptographicOperations.ZeroMemory(entry.Key);
        _encryption.Remove(context);
    }

    private sealed class Entry(byte[] key, IReadOnlyList<WrappedDataKey> wrapped, DateTimeOffset createdAt)
    {
        public byte[] Key { get; } = key;

        public IReadOnlyList<WrappedDataKey> Wrapped { get; } = wrapped;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public long Messages { get; set; }

        public long Bytes { get; set; }
    }
}
