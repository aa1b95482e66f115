namespace Secrets.Sdk.Files;

/// <summary>A file as read: its bytes (null when it could not be read), content hash, resolved path and failure.</summary>
/// <param name="Name">The path relative to the mount, with <c>/</c> separators.</param>
/// <param name="ResolvedPath">The real file after following symlinks (kubelet's <c>..data</c> indirection).</param>
/// <param name="Content">The bytes, or null when the file failed.</param>
/// <param name="Hash">The SHA-256 of the bytes in hex, or a marker for a failed file.</param>
/// <param name="LastWriteUtc">The file's last write time.</param>
/// <param name="Error">Why the file could not be used.</param>
/// <param name="Identity">The file's (device, inode, size, times) when it was read: a later poll that sees the same skips reading it.</param>
/// <param name="Racy">
/// Whether the file was modified so shortly before it was read that another write within the same timestamp tick
/// could go unseen by <paramref name="Identity"/>; such a file is read again by the next poll.
/// </param>
internal sealed record MountedFile(string Name, string ResolvedPath, byte[]? Content, string Hash, DateTimeOffset LastWriteUtc, SecretStoreException? Error, FileIdentity Identity, bool Racy);
