namespace Secrets.Sdk.Files;

/// <summary>
/// Resolves paths to their canonical form one component at a time with lstat and readlink, like the kernel does, so
/// the reader knows where a link really leads before opening anything. Gives up after <see cref="MaxLinks"/> links
/// (the kernel's own limit, ELOOP). Directories resolved once are remembered for the rest of one read, so kubelet's
/// <c>..data</c> is resolved once per read and every file of that read comes from the same timestamped directory.
/// </summary>
/// <remarks>One instance per read: it is not thread-safe, and its cache must not outlive the read.</remarks>
internal sealed class PathResolver
{
    /// <summary>The most symbolic links followed in one resolution (Linux MAXSYMLINKS).</summary>
    public const int MaxLinks = 40;

    private static readonly char[] Separators = ['/', '\\'];
    private readonly FileSystemAccess _fileSystem;
    private readonly Dictionary<string, string> _directories = new(StringComparer.Ordinal);

    public PathResolver(FileSystemAccess fileSystem) => _fileSystem = fileSystem;

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

    private static string[] Split(string path) => path.Split(Separators, StringSplitOptions.RemoveEmptyEntries);

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
        var key = System.IO.Path.Join(parent, name);
        if (_directories.TryGetValue(key, out var cached))
        {
            return new ResolvedPath(cached, new FileStatus(FileKind.Directory, default), ViaLink: !string.Equals(cached, key, StringComparison.Ordinal), Loop: false);
        }

        var resolved = Step(parent, name, ref hops);
        if (resolved.IsDirectory)
        {
            _directories[key] = resolved.Path;
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
        var status = _fileSystem.Probe(candidate);
        if (status.Kind != FileKind.SymbolicLink)
        {
            return new ResolvedPath(candidate, status, ViaLink: false, Loop: false);
        }

        if (++hops > MaxLinks)
        {
            return new ResolvedPath(candidate, status, ViaLink: true, Loop: true);
        }

        var target = _fileSystem.ReadLink(candidate);
        if (string.IsNullOrEmpty(target))
        {
            return new ResolvedPath(candidate, FileStatus.Missing, ViaLink: true, Loop: false); // Removed (or replaced) since the look.
        }

        var targetRoot = System.IO.Path.GetPathRoot(target);
        var resolved = string.IsNullOrEmpty(targetRoot)
            ? Walk(parent, Split(target), ref hops)
            : Walk(targetRoot, Split(target[targetRoot.Length..]), ref hops);
        return resolved with { ViaLink = true };
    }
}
