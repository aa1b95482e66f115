namespace Secrets.Sdk.Files;

/// <summary>
/// Resolves paths to their canonical form one component at a time with lstat and readlink, like the kernel does, so
/// the reader knows where a link really leads before opening anything. Gives up after <see cref="MaxLinks"/> links
/// (the kernel's own limit, ELOOP). Directories resolved once are remembered for the rest of one read, so kubelet's
/// <c>..data</c> is resolved once per read and every file of that read comes from the same timestamped directory.
/// </summary>
/// <remarks>
/// One instance per read: it is not thread-safe, and its directory cache must not outlive the read. What may outlive it
/// (<see cref="Memory"/>): listings of directories and targets of links, valid as long as the directory holding them
/// keeps its identity, since no entry of a directory can be added, removed, renamed or re-pointed without changing
/// the directory's mtime and ctime, and a link's target is never rewritten in place.
/// </remarks>
internal sealed class PathResolver
{
    /// <summary>The most symbolic links followed in one resolution (Linux MAXSYMLINKS).</summary>
    public const int MaxLinks = 40;

    private static readonly char[] Separators = ['/', '\\'];
    private readonly FileSystemAccess _fileSystem;
    private readonly Dictionary<(string Parent, string Name), (string Path, bool ViaLink)> _directories = [];
    private readonly ResolutionMemory _previous;
    private readonly long _trustedBeforeNanoseconds;
    private readonly HashSet<string> _unchangedDirectories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileIdentity> _directoryIdentities = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DirectoryListing> _listings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KnownLink> _links;

    /// <summary>Creates a resolver for one read.</summary>
    /// <param name="fileSystem">The file-system access.</param>
    /// <param name="previous">What the previous read learned, reused where the directories involved are unchanged.</param>
    /// <param name="trustedBeforeNanoseconds">
    /// Anything changed at or after this time (Unix nanoseconds) is not remembered for the next read: a second change
    /// within the same timestamp tick would leave its identity unchanged.
    /// </param>
    public PathResolver(FileSystemAccess fileSystem, ResolutionMemory? previous = null, long trustedBeforeNanoseconds = long.MinValue)
    {
        _fileSystem = fileSystem;
        _previous = previous ?? ResolutionMemory.Empty;
        _trustedBeforeNanoseconds = trustedBeforeNanoseconds;
        _links = new Dictionary<string, KnownLink>(_previous.Links.Count, StringComparer.Ordinal);
    }

    /// <summary>Gets what this read learned, for the next read.</summary>
    public ResolutionMemory Memory => new(_listings, _links);

    /// <summary>
    /// Lists a canonical directory this read has resolved, reusing the previous listing when the directory is unchanged.
    /// </summary>
    public IReadOnlyList<string> List(string directory)
    {
        if (_unchangedDirectories.Contains(directory) && _previous.Listings.TryGetValue(directory, out var known))
        {
            _listings[directory] = known;
            return known.Names;
        }

        var names = _fileSystem.ListNames(directory).ToArray();
        if (_directoryIdentities.TryGetValue(directory, out var identity) && Trusted(identity))
        {
            _listings[directory] = new DirectoryListing(identity, names);
        }

        return names;
    }

    /// <summary>Resolves an absolute path.</summary>
    public ResolvedPath Resolve(string absolutePath)
    {
        var root = System.IO.Path.GetPathRoot(absolutePath);
        if (string.IsNullOrEmpty(root))
        {
            throw new ArgumentException($"'{absolutePath}' is not an absolute path.", nameof(absolutePath));
        }

        var hops = 0;
        return Walk(root, Split(absolutePath[root.Length..]), ref hops);
    }

    /// <summary>Resolves the entry <paramref name="name"/> of the canonical directory <paramref name="directory"/>.</summary>
    public ResolvedPath ResolveEntry(string directory, string name)
    {
        var hops = 0;
        return Step(directory, name, ref hops);
    }

    /// <summary>Resolves the entry <paramref name="name"/> of <paramref name="directory"/> as a directory, remembering it for this read.</summary>
    public ResolvedPath ResolveDirectory(string directory, string name)
    {
        var hops = 0;
        return Directory(directory, name, ref hops);
    }

    /// <summary>Whether canonical <paramref name="path"/> is <paramref name="root"/> or lies beneath it.</summary>
    public static bool IsWithin(string root, string path)
    {
        var trimmed = root.TrimEnd(Separators);
        if (trimmed.Length == 0)
        {
            return true; // The file-system root contains everything.
        }

        return path.Length == trimmed.Length
            ? string.Equals(path, trimmed, StringComparison.Ordinal)
            : path.Length > trimmed.Length && path.StartsWith(trimmed, StringComparison.Ordinal) && Separators.Contains(path[trimmed.Length]);
    }

    /// <summary>
    /// Only identities with an inode (statx), modified before the racy window, can vouch for what they describe (every
    /// entry change sets a directory's mtime to the current time, so a change right after a listing in the same tick
    /// is only possible for a directory whose mtime is that recent).
    /// </summary>
    private bool Trusted(FileIdentity identity) => identity.Inode != 0 && identity.ModifiedNanoseconds < _trustedBeforeNanoseconds;

    private void NoteDirectory(string path, FileIdentity identity)
    {
        _directoryIdentities[path] = identity;
        if (Trusted(identity) && _previous.Listings.TryGetValue(path, out var known) && known.Identity == identity)
        {
            _unchangedDirectories.Add(path);
        }
    }

    /// <summary>Splits a path into its non-empty components.</summary>
    internal static string[] Split(string path) => path.Split(Separators, StringSplitOptions.RemoveEmptyEntries);

    private static string Parent(string path) => System.IO.Path.GetDirectoryName(path) ?? path;

    private ResolvedPath Walk(string start, string[] parts, ref int hops)
    {
        if (parts.Length == 0)
        {
            return new ResolvedPath(start, _fileSystem.Probe(start), ViaLink: false, Loop: false);
        }

        var current = start;
        var viaLink = false;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            var directory = Directory(current, parts[i], ref hops);
            viaLink |= directory.ViaLink;
            if (!directory.IsDirectory)
            {
                return directory.Loop || directory.Status.Kind is FileKind.Missing or FileKind.AccessDenied
                    ? directory with { ViaLink = viaLink }
                    : new ResolvedPath(directory.Path, FileStatus.Missing, viaLink, Loop: false); // ENOTDIR
            }

            current = directory.Path;
        }

        var last = Step(current, parts[^1], ref hops);
        return last with { ViaLink = last.ViaLink || viaLink };
    }

    private ResolvedPath Directory(string parent, string name, ref int hops)
    {
        if (_directories.TryGetValue((parent, name), out var cached))
        {
            return new ResolvedPath(cached.Path, new FileStatus(FileKind.Directory, default), cached.ViaLink, Loop: false);
        }

        var resolved = Step(parent, name, ref hops);
        if (resolved.IsDirectory)
        {
            _directories[(parent, name)] = (resolved.Path, resolved.ViaLink);
        }

        return resolved;
    }

    private ResolvedPath Step(string parent, string name, ref int hops)
    {
        if (name == ".")
        {
            return new ResolvedPath(parent, new FileStatus(FileKind.Directory, default), ViaLink: false, Loop: false);
        }

        if (name == "..")
        {
            return new ResolvedPath(Parent(parent), new FileStatus(FileKind.Directory, default), ViaLink: false, Loop: false);
        }

        var candidate = System.IO.Path.Join(parent, name);
        KnownLink? link;
        FileStatus status;
        if (_unchangedDirectories.Contains(parent) && _previous.Links.TryGetValue(candidate, out link))
        {
            // The directory holding the link is unchanged, so the link is the same one: no lstat, no readlink.
            _links[candidate] = link;
            status = new FileStatus(FileKind.SymbolicLink, link.Identity);
        }
        else
        {
            status = _fileSystem.Probe(candidate);
            if (status.Kind != FileKind.SymbolicLink)
            {
                if (status.Kind == FileKind.Directory)
                {
                    NoteDirectory(candidate, status.Identity);
                }

                return new ResolvedPath(candidate, status, ViaLink: false, Loop: false);
            }

            var target = _fileSystem.ReadLink(candidate);
            if (string.IsNullOrEmpty(target))
            {
                return new ResolvedPath(candidate, FileStatus.Missing, ViaLink: true, Loop: false); // Removed (or replaced) since the look.
            }

            link = new KnownLink(status.Identity, target);
            if (Trusted(status.Identity))
            {
                _links[candidate] = link;
            }
        }

        if (++hops > MaxLinks)
        {
            return new ResolvedPath(candidate, status, ViaLink: true, Loop: true);
        }

        var resolved = Walk(link.Root ?? parent, link.Parts, ref hops);
        return resolved with { ViaLink = true };
    }
}
