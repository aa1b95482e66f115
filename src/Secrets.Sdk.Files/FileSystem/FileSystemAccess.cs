using System.IO.Enumeration;
using System.Security.Cryptography;

namespace Secrets.Sdk.Files;

/// <summary>
/// The few file-system operations the mounted-files reader needs, each of which must never block on a special file
/// and never read more than asked: look at a path without following it, read a link, list a directory, read a
/// regular file up to a limit.
/// </summary>
internal abstract class FileSystemAccess
{
    private const int FirstBufferBytes = 4096;

    /// <summary>Every name, hidden ones included (the reader filters), without looking at attributes (no stat per entry).</summary>
    private static readonly EnumerationOptions ListOptions = new() { AttributesToSkip = 0, IgnoreInaccessible = false, RecurseSubdirectories = false };

    /// <summary>Gets the implementation for this platform: Linux <c>statx</c>/<c>open(O_NONBLOCK)</c> when available, else managed APIs.</summary>
    public static FileSystemAccess Default { get; } = (FileSystemAccess?)LinuxFileSystemAccess.TryCreate() ?? new ManagedFileSystemAccess();

    /// <summary>Gets a value indicating whether <see cref="Probe"/> tells special files (FIFOs, sockets, devices) apart and gives inode numbers.</summary>
    public abstract bool KnowsFileTypes { get; }

    /// <summary>Looks at <paramref name="path"/> without following a final symbolic link (lstat).</summary>
    /// <param name="path">An absolute path.</param>
    /// <returns>What the path is.</returns>
    public abstract FileStatus Probe(string path);

    /// <summary>Reads the target of the symbolic link at <paramref name="path"/>.</summary>
    /// <param name="path">An absolute path that was a symbolic link.</param>
    /// <returns>The target as stored in the link, or null when the path is gone or no longer a link.</returns>
    public virtual string? ReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Lists the names (not paths) in a directory; listing never opens the entries.</summary>
    /// <param name="directory">An absolute directory path.</param>
    /// <returns>The entry names.</returns>
    public virtual IEnumerable<string> ListNames(string directory) =>
        new FileSystemEnumerable<string>(directory, static (ref FileSystemEntry entry) => entry.FileName.ToString(), ListOptions);

    /// <summary>
    /// Reads the regular file at <paramref name="path"/>, at most <paramref name="limit"/> + 1 bytes whatever size it
    /// reports, and only if it is still the file <paramref name="expected"/> describes.
    /// </summary>
    /// <param name="path">An absolute path without symbolic links, that <see cref="Probe"/> found to be a regular file.</param>
    /// <param name="expected">The identity <see cref="Probe"/> returned.</param>
    /// <param name="limit">The largest content accepted.</param>
    /// <returns>The content, or why there is none.</returns>
    public abstract BoundedRead ReadBounded(string path, FileIdentity expected, long limit);

    /// <summary>Reads chunks until end of file or until more than <paramref name="limit"/> bytes arrived.</summary>
    protected static BoundedRead ReadUpTo(ChunkReader read, long reportedSize, long limit)
    {
        var cap = limit + 1;
        var buffer = new byte[(int)Math.Min(cap, Math.Max(reportedSize + 1, FirstBufferBytes))];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (total >= cap)
                {
                    CryptographicOperations.ZeroMemory(buffer);
                    return BoundedRead.Of(BoundedReadOutcome.TooLarge);
                }

                var larger = new byte[(int)Math.Min(cap, (long)buffer.Length * 2)];
                buffer.CopyTo(larger, 0);
                CryptographicOperations.ZeroMemory(buffer);
                buffer = larger;
            }

            var count = read(buffer.AsSpan(total));
            if (count == 0)
            {
                break;
            }

            total += count;
        }

        var content = buffer.AsSpan(0, total).ToArray();
        CryptographicOperations.ZeroMemory(buffer);
        return new BoundedRead(BoundedReadOutcome.Read, content);
    }

    /// <summary>Reads the next bytes into <paramref name="buffer"/>; 0 at end of file.</summary>
    protected delegate int ChunkReader(Span<byte> buffer);
}
