namespace Secrets.Sdk.Files;

/// <summary>
/// A symbolic link's target as read (and already split into components), with the link's own identity. A link's
/// target cannot be rewritten in place (replacing it makes a new inode and changes its directory), so a later read
/// that finds the directory unchanged reuses the target instead of calling lstat and readlink again.
/// </summary>
internal sealed class KnownLink
{
    public KnownLink(FileIdentity identity, string target)
    {
        Identity = identity;
        Target = target;
        var root = System.IO.Path.GetPathRoot(target);
        Root = string.IsNullOrEmpty(root) ? null : root;
        Parts = PathResolver.Split(Root is null ? target : target[Root.Length..]);
    }

    /// <summary>Gets the link's own (device, inode, size, times).</summary>
    public FileIdentity Identity { get; }

    /// <summary>Gets the target as stored in the link.</summary>
    public string Target { get; }

    /// <summary>Gets the root an absolute target starts from, or null for a target relative to the link's directory.</summary>
    public string? Root { get; }

    /// <summary>Gets the target's path components.</summary>
    public string[] Parts { get; }
}
