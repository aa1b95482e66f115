namespace Secrets.Sdk.Files;

/// <summary>Where a path leads once every symbolic link on the way is followed.</summary>
/// <param name="Path">The canonical path (no links, no <c>.</c> or <c>..</c>), as far as resolution got.</param>
/// <param name="Status">What is at <paramref name="Path"/>.</param>
/// <param name="ViaLink">Whether at least one symbolic link was followed.</param>
/// <param name="Loop">Whether resolution gave up after <see cref="PathResolver.MaxLinks"/> links (a loop).</param>
internal readonly record struct ResolvedPath(string Path, FileStatus Status, bool ViaLink, bool Loop)
{
    public bool IsDirectory => !Loop && Status.Kind == FileKind.Directory;
}
