using System.Security.Cryptography;
using System.Text;

namespace Secrets.Sdk.Files;

/// <summary>
/// Reads a mounted secrets directory consistently, and only what belongs to it. Every entry is resolved component by
/// component before anything is opened: a link whose target leaves the mount root, a special file (FIFO, socket,
/// device) and a link loop are skipped and reported; only regular files are opened, never blocking, and at most the
/// size limit + 1 bytes are read from each. When the kubelet layout is present (top-level names are symlinks through
/// <c>..data</c>, which points at a timestamped directory), <c>..data</c> is resolved once and every file is read from
/// that one directory, so a swap happening mid-read can never mix old and new files. Given the previous read, a file
/// whose resolved path and (device, inode, size, times) are unchanged is reused without being opened or hashed.
/// </summary>
/// <remarks>
/// Kubernetes AtomicWriter: writes a new <c>..TIMESTAMP</c> directory, points <c>..data_tmp</c> at it, renames
/// <c>..data_tmp</c> over <c>..data</c> (an atomic rename(2)), then removes the old directory
/// (https://github.com/kubernetes/kubernetes/blob/master/pkg/volume/util/atomic_writer.go).
/// </remarks>
internal sealed class MountedDirectoryReader
{
    private const string DataLink = "..data";

    /// <summary>A file modified less than this before it was read may be rewritten within the same timestamp tick unseen; it is read again next time.</summary>
    private static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);

    private readonly MountedFilesSourceOptions _options;
    private readonly string _storeName;
    private readonly FileSystemAccess _fileSystem;
    private readonly TimeProvider _fileClock;

    /// <summary>Creates a reader.</summary>
    /// <param name="options">The source options.</param>
    /// <param name="storeName">The store name for errors.</param>
    /// <param name="fileSystem">The file-system access.</param>
    /// <param name="fileClock">
    /// The clock file times are compared with to tell "racily" recent changes (the real clock: file times come from the
    /// kernel, whatever TimeProvider the store's timers use); tests move it forward instead of waiting.
    /// </param>
    public MountedDirectoryReader(MountedFilesSourceOptions options, string storeName, FileSystemAccess fileSystem, TimeProvider? fileClock = null)
    {
        _options = options;
        _storeName = storeName;
        _fileSystem = fileSystem;
        _fileClock = fileClock ?? TimeProvider.System;
    }

    /// <summary>Reads the mount, reusing unchanged files of <paramref name="previous"/>.</summary>
    /// <exception cref="SecretStoreException">The mount is missing or unreadable, over a limit, or changed mid-read (<see cref="SecretErrorKind.Unavailable"/>: read again).</exception>
    public MountedFileSnapshot Read(MountedFileSnapshot? previous, CancellationToken cancellationToken)
    {
        // Anything modified within the racy window is read again (files) or looked at again (directories, links) next time.
        var trustedBefore = (_fileClock.GetUtcNow() - RacyWindow - DateTimeOffset.UnixEpoch).Ticks * 100;
        var resolver = new PathResolver(_fileSystem, previous?.Memory, trustedBefore);
        ReadState state;
        try
        {
            var root = resolver.Resolve(_options.Path);
            if (!root.IsDirectory)
            {
                throw new SecretStoreException(
                    $"Mounted secrets directory '{_options.Path}' does not exist or is not a directory.",
                    root.Status.Kind == FileKind.AccessDenied ? SecretErrorKind.AccessDenied : SecretErrorKind.NotFound,
                    _storeName);
            }

            // Resolve ..data first: the resolver remembers it, so every kubelet link of this read goes to this one directory.
            var data = resolver.ResolveDirectory(root.Path, DataLink);
            var dataDirectory = data.IsDirectory && PathResolver.IsWithin(root.Path, data.Path) ? data.Path : null;
            state = new ReadState(resolver, root.Path, dataDirectory, previous, trustedBefore, cancellationToken);
            Collect(state, root.Path, relative: string.Empty);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var kind = ex is UnauthorizedAccessException ? SecretErrorKind.AccessDenied : SecretErrorKind.Unavailable;
            throw new SecretStoreException($"Mounted secrets directory '{_options.Path}' could not be read: {ex.GetType().Name}.", kind, _storeName, innerException: ex);
        }

        var unchanged = previous is not null && state.FilesRead == 0 && state.Files.Count == previous.Files.Count;
        var signature = unchanged ? previous!.Signature : Sign(state.Files.Values);
        return new MountedFileSnapshot(state.Files, signature, state.Skipped, state.FilesRead, resolver.Memory);
    }

    private void Collect(ReadState state, string directory, string relative)
    {
        state.Chain.Add(directory);
        foreach (var name in state.Resolver.List(directory))
        {
            state.CancellationToken.ThrowIfCancellationRequested();
            if (name.StartsWith('.'))
            {
                continue; // kubelet internals (..data, ..TIMESTAMP, ..data_tmp), hidden and editor files.
            }

            var relativeName = relative.Length == 0 ? name : relative + "/" + name;
            if (_options.Ignore?.Invoke(relativeName) == true)
            {
                continue;
            }

            if (++state.Entries > _options.MaxFileCount)
            {
                throw new SecretStoreException(
                    $"Mounted secrets directory '{_options.Path}' has more than {_options.MaxFileCount} entries (files and directories), over the limit ({nameof(MountedFilesSourceOptions.MaxFileCount)}).",
                    SecretErrorKind.InvalidRequest,
                    _storeName);
            }

            var entry = state.Resolver.ResolveEntry(directory, name);
            if (entry.Loop)
            {
                state.Skip(relativeName, SkipReason.LinkLoop, $"more than {PathResolver.MaxLinks} symbolic links");
                continue;
            }

            if (entry.Status.Kind == FileKind.Missing)
            {
                OnMissing(state, relativeName, entry.ViaLink);
                continue;
            }

            if (!_options.AllowLinksOutsideMount && !PathResolver.IsWithin(state.Root, entry.Path))
            {
                state.Skip(relativeName, SkipReason.OutsideMount, entry.Path);
                continue;
            }

            switch (entry.Status.Kind)
            {
                case FileKind.Directory when _options.IncludeSubdirectories:
                    if (state.Chain.Contains(entry.Path))
                    {
                        state.Skip(relativeName, SkipReason.LinkLoop, "a directory linking to itself or an ancestor");
                    }
                    else
                    {
                        Collect(state, entry.Path, relativeName);
                    }

                    break;
                case FileKind.Directory:
                    break;
                case FileKind.Regular:
                    ReadFile(state, relativeName, entry);
                    break;
                case FileKind.AccessDenied:
                    state.Add(Unreadable(relativeName, entry.Path, entry.Status.Identity), read: true);
                    break;
                default:
                    state.Skip(relativeName, SkipReason.NotRegularFile, DescribeKind(entry.Status.Kind));
                    break;
            }
        }

        state.Chain.Remove(directory);
    }

    private void ReadFile(ReadState state, string name, ResolvedPath entry)
    {
        var identity = entry.Status.Identity;
        if (state.Previous is not null
            && state.Previous.Files.TryGetValue(name, out var known)
            && !known.Racy
            && known.Identity == identity
            && string.Equals(known.ResolvedPath, entry.Path, StringComparison.Ordinal))
        {
            state.CountBytes(known.Content?.Length ?? 0, this);
            state.Add(known, read: false);
            return;
        }

        var remaining = _options.MaxTotalBytes - state.TotalBytes;
        var limit = Math.Min(_options.MaxFileSizeBytes, remaining);
        var read = _fileSystem.ReadBounded(entry.Path, identity, limit);
        var lastWrite = DateTimeOffset.UnixEpoch.AddTicks(identity.ModifiedNanoseconds / 100);
        switch (read.Outcome)
        {
            case BoundedReadOutcome.Read:
                var content = read.Content!;
                state.CountBytes(content.Length, this);
                var racy = identity.ModifiedNanoseconds >= state.TrustedBeforeNanoseconds;
                state.Add(new MountedFile(name, entry.Path, content, Convert.ToHexString(SHA256.HashData(content)), lastWrite, null, identity, racy), read: true);
                break;
            case BoundedReadOutcome.TooLarge when limit < _options.MaxFileSizeBytes:
                throw TotalBytesExceeded();
            case BoundedReadOutcome.TooLarge:
                var error = new SecretStoreException(
                    $"Mounted secret file '{name}' in '{_options.Path}' is larger than the {_options.MaxFileSizeBytes}-byte limit ({nameof(MountedFilesSourceOptions.MaxFileSizeBytes)}).",
                    SecretErrorKind.InvalidRequest,
                    _storeName,
                    name);
                state.Add(new MountedFile(name, entry.Path, null, $"oversize:{identity.Size}:{identity.ModifiedNanoseconds}", lastWrite, error, identity, Racy: false), read: true);
                break;
            case BoundedReadOutcome.AccessDenied:
                state.Add(Unreadable(name, entry.Path, identity), read: true);
                break;
            case BoundedReadOutcome.Missing:
                OnMissing(state, name, entry.ViaLink);
                break;
            default:
                throw new SecretStoreException($"Mounted secret file '{name}' in '{_options.Path}' was replaced while being read.", SecretErrorKind.Unavailable, _storeName, name);
        }
    }

    /// <summary>
    /// A name that resolves to nothing. When the timestamped directory of this read is gone, a kubelet swap removed it
    /// mid-read: the read is retried as a whole (never a mix). Otherwise a link pointing nowhere is skipped and reported,
    /// and a plain file deleted since the listing is simply absent.
    /// </summary>
    private void OnMissing(ReadState state, string name, bool viaLink)
    {
        if (state.DataDirectory is { } data && _fileSystem.Probe(data).Kind != FileKind.Directory)
        {
            throw new SecretStoreException($"Mounted secret file '{name}' in '{_options.Path}' vanished while being read.", SecretErrorKind.Unavailable, _storeName, name);
        }

        if (viaLink)
        {
            state.Skip(name, SkipReason.DanglingLink, "target does not exist");
        }
    }

    private MountedFile Unreadable(string name, string path, FileIdentity identity)
    {
        var error = new SecretStoreException($"Mounted secret file '{name}' in '{_options.Path}' is not readable by this process.", SecretErrorKind.AccessDenied, _storeName, name);
        return new MountedFile(name, path, null, "unreadable", DateTimeOffset.MinValue, error, identity, Racy: false);
    }

    private SecretStoreException TotalBytesExceeded() => new(
        $"Mounted secrets directory '{_options.Path}' holds more than {_options.MaxTotalBytes} bytes of files, over the limit ({nameof(MountedFilesSourceOptions.MaxTotalBytes)}).",
        SecretErrorKind.InvalidRequest,
        _storeName);

    private static string DescribeKind(FileKind kind) => kind switch
    {
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.Socket => "a socket",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        _ => "a special file",
    };

    private static string Sign(IEnumerable<MountedFile> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file.Name + "\0" + file.Hash + "\n"));
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>What one read has gathered so far.</summary>
    private sealed class ReadState(PathResolver resolver, string root, string? dataDirectory, MountedFileSnapshot? previous, long trustedBeforeNanoseconds, CancellationToken cancellationToken)
    {
        public long TrustedBeforeNanoseconds { get; } = trustedBeforeNanoseconds;

        public PathResolver Resolver { get; } = resolver;

        public string Root { get; } = root;

        public string? DataDirectory { get; } = dataDirectory;

        public MountedFileSnapshot? Previous { get; } = previous;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public Dictionary<string, MountedFile> Files { get; } = new(previous?.Files.Count ?? 0, StringComparer.Ordinal);

        public List<SkippedEntry> Skipped { get; } = [];

        /// <summary>Gets the canonical directories being read, outermost first (a directory met again is a loop).</summary>
        public HashSet<string> Chain { get; } = new(StringComparer.Ordinal);

        public int Entries { get; set; }

        public long TotalBytes { get; private set; }

        public int FilesRead { get; private set; }

        public void Add(MountedFile file, bool read)
        {
            Files[file.Name] = file;
            if (read)
            {
                FilesRead++;
            }
        }

        public void Skip(string name, SkipReason reason, string detail) => Skipped.Add(new SkippedEntry(name, reason, detail));

        public void CountBytes(long bytes, MountedDirectoryReader reader)
        {
            TotalBytes += bytes;
            if (TotalBytes > reader._options.MaxTotalBytes)
            {
                throw reader.TotalBytesExceeded();
            }
        }
    }
}
