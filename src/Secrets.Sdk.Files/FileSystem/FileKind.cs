namespace Secrets.Sdk.Files;

/// <summary>What a path is, as seen without following a final symbolic link (lstat).</summary>
internal enum FileKind
{
    /// <summary>The path does not exist (ENOENT, or a parent is not a directory).</summary>
    Missing = 0,

    /// <summary>A regular file: the only kind whose content is read.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link.</summary>
    SymbolicLink,

    /// <summary>A named pipe (FIFO): opening it for reading blocks until a writer appears.</summary>
    Fifo,

    /// <summary>A Unix domain socket.</summary>
    Socket,

    /// <summary>A character device (for example <c>/dev/zero</c>, endless).</summary>
    CharacterDevice,

    /// <summary>A block device.</summary>
    BlockDevice,

    /// <summary>Another kind of special file.</summary>
    Other,

    /// <summary>The process may not look at the path (EACCES).</summary>
    AccessDenied,
}
