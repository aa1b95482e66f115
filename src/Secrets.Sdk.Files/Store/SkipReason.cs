namespace Secrets.Sdk.Files;

/// <summary>Why an entry of the mount was not read.</summary>
internal enum SkipReason
{
    /// <summary>A symbolic link whose target resolves outside the mount root.</summary>
    OutsideMount = 0,

    /// <summary>Not a regular file: a FIFO, socket, device or other special file.</summary>
    NotRegularFile,

    /// <summary>A symbolic link loop (more than <see cref="PathResolver.MaxLinks"/> links, or a directory linking to its own ancestor).</summary>
    LinkLoop,

    /// <summary>A symbolic link whose target does not exist.</summary>
    DanglingLink,
}
