namespace Secrets.Sdk.Files;

/// <summary>The result of looking at one path without following a final symbolic link.</summary>
/// <param name="Kind">What the path is.</param>
/// <param name="Identity">Its identity (meaningful for <see cref="FileKind.Regular"/>).</param>
internal readonly record struct FileStatus(FileKind Kind, FileIdentity Identity)
{
    public static FileStatus Missing => new(FileKind.Missing, default);

    public static FileStatus Denied => new(FileKind.AccessDenied, default);
}
