namespace Secrets.Sdk.Files;

/// <summary>
/// A directory's names as listed, with the directory's own identity. Adding, removing, renaming or replacing any
/// entry (a kubelet swap renames <c>..data</c>) changes the directory's mtime and ctime, so a later read that finds
/// the same identity reuses the names, and the targets of the links among them, without listing or readlink.
/// </summary>
/// <param name="Identity">The directory's own (device, inode, size, times).</param>
/// <param name="Names">The entry names.</param>
internal sealed record DirectoryListing(FileIdentity Identity, IReadOnlyList<string> Names);
