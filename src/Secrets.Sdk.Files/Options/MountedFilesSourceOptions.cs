namespace Secrets.Sdk.Files;

/// <summary>
/// Options of a mounted-files source: one file per key (Kubernetes Secret volumes, the Secrets Store CSI driver,
/// Docker secrets, files rendered by Vault Agent).
/// </summary>
public sealed class MountedFilesSourceOptions : SecretSourceOptions
{
    /// <summary>
    /// Creates the options with the files conventions: <c>__</c> and sub-directories become <c>:</c>; no engine polling
    /// (the directory is watched and polled by the store itself, which signals the engine on change).
    /// </summary>
    public MountedFilesSourceOptions()
    {
        KeyMapper = new SecretKeyMapper("__", "/");
        RefreshInterval = null;
        ChangeDebounce = TimeSpan.FromMilliseconds(100);
    }

    /// <summary>Gets or sets the directory to read. Set by <c>AddMountedFiles</c>.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>Gets or sets a value indicating whether sub-directories are read, their names becoming sections. Default: <see langword="true"/>.</summary>
    public bool IncludeSubdirectories { get; set; } = true;

    /// <summary>
    /// Gets or sets a predicate on the path relative to <see cref="Path"/> (with <c>/</c> separators); entries it returns
    /// <see langword="true"/> for are skipped. Entries whose name starts with <c>.</c> (kubelet's <c>..data</c> and
    /// timestamped directories, editor swap files) are always skipped.
    /// </summary>
    public Func<string, bool>? Ignore { get; set; }

    /// <summary>
    /// Gets or sets the largest file read; a larger one is an error naming the file. At most this + 1 bytes are ever
    /// read from a file, whatever size it reports (<c>/proc</c> files report 0). Default: 1 MiB (the Kubernetes Secret limit).
    /// </summary>
    public long MaxFileSizeBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Gets or sets the most entries (files and sub-directories, skipped ones included) one read of the mount looks at;
    /// more is an error naming the mount and this limit, and the last good values are kept. Default: 10,000.
    /// </summary>
    public int MaxFileCount { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets the most bytes of file content one read of the mount holds; more is an error naming the mount and
    /// this limit, and the last good values are kept. Default: 64 MiB.
    /// </summary>
    public long MaxTotalBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Gets or sets a value indicating whether a symbolic link whose target resolves outside <see cref="Path"/> is read.
    /// Default: <see langword="false"/>: such a link (to <c>/etc</c>, <c>/proc/self/environ</c>, a device) is skipped
    /// with a warning naming it. Kubelet's own links (<c>key</c> → <c>..data/key</c>, <c>..data</c> → <c>..2024_…</c>) stay inside.
    /// </summary>
    public bool AllowLinksOutsideMount { get; set; }

    /// <summary>
    /// Gets or sets how long one read of the mount may take before it is abandoned and reported as a
    /// <see cref="SecretErrorKind.Timeout"/> (a hung network file system, say); the read runs off the caller's thread.
    /// Default: 30 seconds.
    /// </summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets a value indicating whether trailing <c>\n</c>/<c>\r</c> are removed from text values (as <c>echo</c> adds). Default: <see langword="true"/>.</summary>
    public bool TrimTrailingNewlines { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether a <see cref="FileSystemWatcher"/> is used in addition to polling. Default: <see langword="true"/>.</summary>
    public bool UseFileSystemWatcher { get; set; } = true;

    /// <summary>
    /// Gets or sets how often the directory is polled, which catches every Kubernetes atomic swap even when the watcher
    /// misses it (dotnet/runtime#36091). A poll compares the resolved <c>..data</c> target and each file's inode, size
    /// and times with the previous read and opens and hashes only files whose status changed. Default: 10 seconds.
    /// </summary>
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the file-system access (tests replace it to count or stall reads); null means the platform's.</summary>
    internal FileSystemAccess? FileSystem { get; set; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (string.IsNullOrWhiteSpace(Path))
        {
            throw new ArgumentException($"{nameof(Path)} must name the mounted secrets directory.", nameof(Path));
        }

        if (MaxFileSizeBytes < 1)
        {
            throw new ArgumentException($"{nameof(MaxFileSizeBytes)} must be positive; it was {MaxFileSizeBytes}.", nameof(MaxFileSizeBytes));
        }

        if (MaxFileSizeBytes >= Array.MaxLength)
        {
            throw new ArgumentException($"{nameof(MaxFileSizeBytes)} must be under {Array.MaxLength}; it was {MaxFileSizeBytes}.", nameof(MaxFileSizeBytes));
        }

        if (MaxFileCount < 1)
        {
            throw new ArgumentException($"{nameof(MaxFileCount)} must be positive; it was {MaxFileCount}.", nameof(MaxFileCount));
        }

        if (MaxTotalBytes < 1)
        {
            throw new ArgumentException($"{nameof(MaxTotalBytes)} must be positive; it was {MaxTotalBytes}.", nameof(MaxTotalBytes));
        }

        if (ReadTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(ReadTimeout)} must be positive; it was {ReadTimeout}.", nameof(ReadTimeout));
        }

        if (PollingInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(PollingInterval)} must be positive; it was {PollingInterval}.", nameof(PollingInterval));
        }
    }
}
