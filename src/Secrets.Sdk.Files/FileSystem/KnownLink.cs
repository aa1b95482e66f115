namespace Secrets.Sdk.Files;

/// <summary>
/// A symbolic link's target as read, with the link's own identity. A link's target cannot be rewritten in place
/// (replacing it makes a new inode and a new ctime), so a later read that finds the same identity reuses the target
/// instead of calling readlink again.
/// </summary>
/// <param name="Identity">The link's own (device, inode, size, times).</param>
/// <param name="Target">The target as stored in the link.</param>
internal readonly record struct KnownLink(FileIdentity Identity, string Target);
