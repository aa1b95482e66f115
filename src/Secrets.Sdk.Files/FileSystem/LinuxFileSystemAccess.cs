using System.Runtime.InteropServices;

namespace Secrets.Sdk.Files;

/// <summary>
/// Linux file access through the C library: <c>statx(2)</c> (whose <c>struct statx</c> has the same layout on every
/// architecture) for type, inode, size and times without following links, and <c>open(2)</c> with
/// <c>O_NONBLOCK</c> then <c>fstat</c> on the opened descriptor, so a FIFO swapped in after the look never blocks the
/// open and is never read, and a file replaced in between is noticed.
/// </summary>
/// <remarks>
/// Layout and constants: https://man7.org/linux/man-pages/man2/statx.2.html (include/uapi/linux/stat.h);
/// <c>O_NONBLOCK</c> on a FIFO: https://man7.org/linux/man-pages/man7/fifo.7.html.
/// </remarks>
internal sealed unsafe partial class LinuxFileSystemAccess : FileSystemAccess
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int StatxBufferBytes = 256;
    private const int OpenReadOnlyNonBlockingCloseOnExec = 0x0 | 0x800 | 0x80000; // O_RDONLY | O_NONBLOCK | O_CLOEXEC (same on x64 and arm64)

    private const int ErrnoPermission = 1;
    private const int ErrnoNoEntry = 2;
    private const int ErrnoInterrupted = 4;
    private const int ErrnoAccess = 13;
    private const int ErrnoNotDirectory = 20;
    private const int ErrnoInvalid = 22;
    private const int ErrnoNameTooLong = 36;
    private const int ErrnoLoop = 40;

    private LinuxFileSystemAccess()
    {
    }

    /// <inheritdoc/>
    public override bool KnowsFileTypes => true;

    /// <summary>Returns the Linux implementation, or null when not on Linux or the C library has no <c>statx</c> (glibc &lt; 2.28, older musl).</summary>
    public static LinuxFileSystemAccess? TryCreate()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var access = new LinuxFileSystemAccess();
            return access.Probe("/").Kind == FileKind.Directory ? access : null;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException or IOException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public override FileStatus Probe(string path)
    {
        var buffer = stackalloc byte[StatxBufferBytes];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) == 0)
        {
            return Parse(new ReadOnlySpan<byte>(buffer, StatxBufferBytes));
        }

        return Marshal.GetLastPInvokeError() switch
        {
            ErrnoNoEntry or ErrnoNotDirectory or ErrnoNameTooLong or ErrnoLoop => FileStatus.Missing,
            ErrnoAccess or ErrnoPermission => FileStatus.Denied,
            var errno => throw new IOException($"statx failed with errno {errno}."),
        };
    }

    /// <inheritdoc/>
    public override string? ReadLink(string path)
    {
        const int Capacity = 4096; // PATH_MAX
        var buffer = stackalloc byte[Capacity];
        var length = ReadLinkNative(path, buffer, Capacity);
        if (length < 0)
        {
            return Marshal.GetLastPInvokeError() switch
            {
                ErrnoNoEntry or ErrnoNotDirectory or ErrnoInvalid => null, // Gone, or no longer a link.
                var errno => throw new IOException($"readlink failed with errno {errno}."),
            };
        }

        return length < Capacity ? System.Text.Encoding.UTF8.GetString(buffer, (int)length) : base.ReadLink(path);
    }

    /// <inheritdoc/>
    public override BoundedRead ReadBounded(string path, FileIdentity expected, long limit)
    {
        int fd;
        do
        {
            fd = Open(path, OpenReadOnlyNonBlockingCloseOnExec);
        }
        while (fd < 0 && Marshal.GetLastPInvokeError() == ErrnoInterrupted);

        if (fd < 0)
        {
            return Marshal.GetLastPInvokeError() switch
            {
                ErrnoNoEntry or ErrnoNotDirectory => BoundedRead.Of(BoundedReadOutcome.Missing),
                ErrnoAccess or ErrnoPermission => BoundedRead.Of(BoundedReadOutcome.AccessDenied),
                ErrnoLoop => BoundedRead.Of(BoundedReadOutcome.Replaced),
                var errno => throw new IOException($"open failed with errno {errno}."),
            };
        }

        try
        {
            var buffer = stackalloc byte[StatxBufferBytes];
            if (Statx(fd, string.Empty, AtEmptyPath, StatxBasicStats, buffer) != 0)
            {
                throw new IOException($"fstat (statx AT_EMPTY_PATH) failed with errno {Marshal.GetLastPInvokeError()}.");
            }

            var opened = Parse(new ReadOnlySpan<byte>(buffer, StatxBufferBytes));
            if (opened.Kind != FileKind.Regular || opened.Identity.Inode != expected.Inode || opened.Identity.Device != expected.Device)
            {
                return BoundedRead.Of(BoundedReadOutcome.Replaced);
            }

            return ReadUpTo(chunk => ReadChunk(fd, chunk), opened.Identity.Size, limit);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static int ReadChunk(int fd, Span<byte> chunk)
    {
        fixed (byte* pointer = chunk)
        {
            while (true)
            {
                var read = Read(fd, pointer, (nuint)chunk.Length);
                if (read >= 0)
                {
                    return (int)read;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno != ErrnoInterrupted)
                {
                    throw new IOException($"read failed with errno {errno}.");
                }
            }
        }
    }

    /// <summary>Decodes <c>struct statx</c>: mode at 28, ino at 32, size at 40, ctime at 96, mtime at 112, dev at 136/140.</summary>
    private static FileStatus Parse(ReadOnlySpan<byte> statx)
    {
        var mode = MemoryMarshal.Read<ushort>(statx[28..]);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x1000 => FileKind.Fifo,
            0xC000 => FileKind.Socket,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            _ => FileKind.Other,
        };
        var inode = MemoryMarshal.Read<ulong>(statx[32..]);
        var size = (long)MemoryMarshal.Read<ulong>(statx[40..]);
        var changed = (MemoryMarshal.Read<long>(statx[96..]) * 1_000_000_000) + MemoryMarshal.Read<uint>(statx[104..]);
        var modified = (MemoryMarshal.Read<long>(statx[112..]) * 1_000_000_000) + MemoryMarshal.Read<uint>(statx[120..]);
        var device = ((ulong)MemoryMarshal.Read<uint>(statx[136..]) << 32) | MemoryMarshal.Read<uint>(statx[140..]);
        return new FileStatus(kind, new FileIdentity(device, inode, size, modified, changed));
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "readlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial nint ReadLinkNative(string path, byte* buffer, nuint size);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
