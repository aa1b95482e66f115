using Microsoft.Win32.SafeHandles;

namespace Secrets.Sdk.Files;

/// <summary>
/// The fallback where <c>statx</c> is not available (non-Linux, old C libraries): managed file APIs. It cannot tell
/// special files from regular ones nor give inode numbers, so a poll compares size and modification time only, and a
/// read that blocks is abandoned by the store's <see cref="MountedFilesSourceOptions.ReadTimeout"/>.
/// </summary>
internal sealed class ManagedFileSystemAccess : FileSystemAccess
{
    private static readonly long UnixEpochTicks = DateTime.UnixEpoch.Ticks;

    /// <inheritdoc/>
    public override bool KnowsFileTypes => false;

    /// <inheritdoc/>
    public override FileStatus Probe(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                return new FileStatus(FileKind.SymbolicLink, default);
            }

            var attributes = info.Attributes;
            if ((int)attributes == -1)
            {
                return FileStatus.Missing;
            }

            if ((attributes & FileAttributes.Directory) != 0)
            {
                return new FileStatus(FileKind.Directory, default);
            }

            var modified = (info.LastWriteTimeUtc.Ticks - UnixEpochTicks) * 100;
            return new FileStatus(FileKind.Regular, new FileIdentity(0, 0, info.Length, modified, 0));
        }
        catch (UnauthorizedAccessException)
        {
            return FileStatus.Denied;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return FileStatus.Missing;
        }
    }

    /// <inheritdoc/>
    public override BoundedRead ReadBounded(string path, FileIdentity expected, long limit)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (UnauthorizedAccessException)
        {
            return BoundedRead.Of(BoundedReadOutcome.AccessDenied);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return BoundedRead.Of(BoundedReadOutcome.Missing);
        }

        using (handle)
        {
            long offset = 0;
            return ReadUpTo(
                buffer =>
                {
                    var read = RandomAccess.Read(handle, buffer, offset);
                    offset += read;
                    return read;
                },
                expected.Size,
                limit);
        }
    }
}
