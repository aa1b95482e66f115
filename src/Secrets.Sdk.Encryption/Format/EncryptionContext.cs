using System.Text;

namespace Secrets.Sdk.Encryption;

/// <summary>The canonical form of an encryption context: entries sorted by the ordinal order of their UTF-8 keys, keys unique.</summary>
internal static class EncryptionContext
{
    public static readonly IReadOnlyDictionary<string, string> Empty = new SortedDictionary<string, string>(StringComparer.Ordinal);

    public static SortedDictionary<string, string> Canonicalize(IReadOnlyDictionary<string, string>? context)
    {
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (context is null)
        {
            return sorted;
        }

        foreach (var (key, value) in context)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(context));
            ArgumentNullException.ThrowIfNull(value, nameof(context));
            if (Encoding.UTF8.GetByteCount(key) > ushort.MaxValue || Encoding.UTF8.GetByteCount(value) > ushort.MaxValue)
            {
                throw new ArgumentException($"Encryption context entry '{key}' is longer than {ushort.MaxValue} bytes.", nameof(context));
            }

            sorted.Add(key, value);
        }

        if (sorted.Count > ushort.MaxValue)
        {
            throw new ArgumentException($"An encryption context holds at most {ushort.MaxValue} entries.", nameof(context));
        }

        return sorted;
    }

    public static bool AreEqual(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && string.Equals(v, kv.Value, StringComparison.Ordinal));

    /// <summary>Serializes a canonical context (u16 length-prefixed UTF-8 keys and values, in order), for associated data.</summary>
    public static byte[] Serialize(IReadOnlyDictionary<string, string> canonical)
    {
        using var stream = new MemoryStream();
        Span<byte> length = stackalloc byte[2];
        foreach (var (key, value) in canonical.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            foreach (var part in new[] { key, value })
            {
                var bytes = Encoding.UTF8.GetBytes(part);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)bytes.Length);
                stream.Write(length);
                stream.Write(bytes);
            }
        }

        return stream.ToArray();
    }

    /// <summary>A string key for a canonical context (for caches).</summary>
    public static string CacheKey(IReadOnlyDictionary<string, string> canonical) => Convert.ToBase64String(Serialize(canonical));
}
