namespace Secrets.Sdk.Files;

/// <summary>
/// What a poll compares before hashing: device, inode, size, modification and status-change times. Any write,
/// truncation, replacement (new inode) or chmod changes at least one of them.
/// </summary>
/// <param name="Device">The device number, or 0 when unknown.</param>
/// <param name="Inode">The inode number, or 0 when unknown (managed fallback).</param>
/// <param name="Size">The size the file system reports (0 for most <c>/proc</c> files).</param>
/// <param name="ModifiedNanoseconds">The modification time, in nanoseconds since the Unix epoch.</param>
/// <param name="ChangedNanoseconds">The status-change time (ctime) in nanoseconds, or 0 when unknown.</param>
internal readonly record struct FileIdentity(ulong Device, ulong Inode, long Size, long ModifiedNanoseconds, long ChangedNanoseconds);
