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
        KeyMapper = SecretKeyMapping.Delimited("__", "/");
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

    /// <summary>Gets or sets the largest file read; a larger one is an error naming the file. Default: 1 MiB (the Kubernetes Secret limit).</summary>
    public long MaxFileSizeBytes { get; set; } = 1024 * 1024;

    /// <summary>Gets or sets a value indicating whether trailing <c>\n</c>/<c>\r</c> are removed from text values (as <c>echo</c> adds). Default: <see langword="true"/>.</summary>
    public bool TrimTrailingNewlines { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether a <see cref="FileSystemWatcher"/> is used in addition to polling. Default: <see langword="true"/>.</summary>
    public bool UseFileSystemWatcher { get; set; } = true;

    /// <summary>
    /// Gets or sets how often the directory is polled (resolved symlink targets and content hashes), which catches
    /// every Kubernetes atomic swap even when the watcher misses it (dotnet/runtime#36091). Default: 10 seconds.
    /// </summary>
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromSeconds(10);

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

        if (PollingInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(PollingInterval)} must be positive; it was {PollingInterval}.", nameof(PollingInterval));
        }
    }
}
