using System.Buffers.Binary;
using System.Text.Json;

namespace Secrets.Sdk;

/// <summary>
/// The cache file's layout: the 8-byte magic <c>SDKLKG1\n</c>, a 4-byte big-endian header length, the clear-text
/// <see cref="CacheFileHeader"/> as JSON, then the envelope (Secrets.Sdk.Encryption) holding the
/// <see cref="CachedSnapshot"/> as JSON, to the end of the file.
/// </summary>
internal static class CacheFileFormat
{
    private const int MaxHeaderBytes = 64 * 1024;

    private static ReadOnlySpan<byte> Magic => "SDKLKG1\n"u8;

    public static byte[] Compose(CacheFileHeader header, ReadOnlySpan<byte> envelope)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(header, LastKnownGoodJsonContext.Default.CacheFileHeader);
        var file = new byte[Magic.Length + 4 + json.Length + envelope.Length];
        Magic.CopyTo(file);
        BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(Magic.Length), json.Length);
        json.CopyTo(file.AsSpan(Magic.Length + 4));
        envelope.CopyTo(file.AsSpan(Magic.Length + 4 + json.Length));
        return file;
    }

    /// <summary>Splits a file into its header and envelope.</summary>
    /// <exception cref="CacheFileRejectedException">The file is not a cache file, or is truncated in its header.</exception>
    public static (CacheFileHeader Header, ReadOnlyMemory<byte> Envelope) Parse(ReadOnlyMemory<byte> file)
    {
        var span = file.Span;
        if (span.Length < Magic.Length + 4 || !span[..Magic.Length].SequenceEqual(Magic))
        {
            throw new CacheFileRejectedException("it is not a Secrets.Sdk last-known-good cache file (no SDKLKG1 header), or it is truncated");
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(span[Magic.Length..]);
        if (length is < 2 or > MaxHeaderBytes || span.Length < Magic.Length + 4 + length)
        {
            throw new CacheFileRejectedException("its header is truncated or malformed");
        }

        CacheFileHeader? header;
        try
        {
            header = JsonSerializer.Deserialize(span.Slice(Magic.Length + 4, length), LastKnownGoodJsonContext.Default.CacheFileHeader);
        }
        catch (JsonException ex)
        {
            throw new CacheFileRejectedException($"its header is not valid JSON ({ErrorText.SafeMessage(ex)})");
        }

        return (header ?? throw new CacheFileRejectedException("its header is empty"), file[(Magic.Length + 4 + length)..]);
    }

    /// <summary>Reads the whole file, refusing one larger than <paramref name="maxBytes"/> (at most that many bytes plus one are read).</summary>
    /// <returns>The file's bytes, or <see langword="null"/> when there is no file.</returns>
    /// <exception cref="CacheFileRejectedException">The file is larger than the cap.</exception>
    public static byte[]? ReadBounded(string path, int maxBytes)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        using (stream)
        {
            if (stream.CanSeek && stream.Length > maxBytes)
            {
                throw new CacheFileRejectedException($"it is {stream.Length} bytes, over the {nameof(LastKnownGoodCacheOptions.MaxFileBytes)} limit of {maxBytes}");
            }

            var buffer = new byte[stream.CanSeek ? (int)stream.Length + 1 : maxBytes + 1];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    throw new CacheFileRejectedException($"it is over the {nameof(LastKnownGoodCacheOptions.MaxFileBytes)} limit of {maxBytes} bytes");
                }
            }

            return buffer.AsSpan(0, total).ToArray();
        }
    }

    /// <summary>
    /// Replaces <paramref name="path"/> atomically: writes a temporary file in the same directory (mode 0600 on Unix),
    /// flushes it to disk, then renames it over the old file, so a reader sees the old file or the new one, never a mix.
    /// </summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> content)
    {
        var directory = Path.GetDirectoryName(path) ?? ".";
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
