using System.Security.Cryptography;
using System.Text;

namespace Secrets.Sdk.Files;

/// <summary>
/// Reads a mounted secrets directory consistently. When the kubelet layout is present (top-level names are symlinks
/// through <c>..data</c>, which points at a timestamped directory), <c>..data</c> is resolved once and every file is read
/// from that one directory, so a swap happening mid-read can never mix old and new files.
/// </summary>
/// <remarks>
/// Kubernetes AtomicWriter: writes a new <c>..TIMESTAMP</c> directory, points <c>..data_tmp</c> at it, renames
/// <c>..data_tmp</c> over <c>..data</c> (an atomic rename(2)), then removes the old directory
/// (https://github.com/kubernetes/kubernetes/blob/master/pkg/volume/util/atomic_writer.go).
/// </remarks>
internal static class MountedDirectoryReader
{
    private const string DataLink = "..data";

    public static MountedFileSnapshot Read(MountedFilesSourceOptions options, string storeName)
    {
        var root = options.Path;
        if (!Directory.Exists(root))
        {
            throw new SecretStoreException(
                $"Mounted secrets directory '{root}' does not exist or is not a directory.",
                SecretErrorKind.NotFound,
                storeName);
        }

        string? dataDirectory = null;
        var dataLink = System.IO.Path.Combine(root, DataLink);
        if (Directory.Exists(dataLink))
        {
            var target = new DirectoryInfo(dataLink).ResolveLinkTarget(returnFinalTarget: true);
            dataDirectory = target?.FullName ?? dataLink;
        }

        var files = new SortedDictionary<string, MountedFile>(StringComparer.Ordinal);
        try
        {
            Collect(options, storeName, root, relative: string.Empty, dataDirectory, files);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var kind = ex is UnauthorizedAccessException ? SecretErrorKind.AccessDenied : SecretErrorKind.Unavailable;
            throw new SecretStoreException($"Mounted secrets directory '{root}' could not be read: {ex.GetType().Name}.", kind, storeName, innerException: ex);
        }

        return new MountedFileSnapshot(files, Sign(files.Values));
    }

    private static void Collect(MountedFilesSourceOptions options, string storeName, string directory, string relative, string? dataDirectory, SortedDictionary<string, MountedFile> files)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
        {
            var name = System.IO.Path.GetFileName(entry);
            if (name.StartsWith('.'))
            {
                continue; // kubelet internals (..data, ..TIMESTAMP, ..data_tmp), hidden and editor files.
            }

            var relativeName = relative.Length == 0 ? name : relative + "/" + name;
            if (options.Ignore?.Invoke(relativeName) == true)
            {
                continue;
            }

            if (Directory.Exists(entry))
            {
                if (options.IncludeSubdirectories)
                {
                    Collect(options, storeName, ResolveThroughData(entry, dataDirectory), relativeName, dataDirectory: null, files);
                }

                continue;
            }

            var path = ResolveThroughData(entry, dataDirectory);
            files[relativeName] = ReadFile(options, storeName, relativeName, path);
        }
    }

    /// <summary>Reads a top-level kubelet entry from the resolved <c>..data</c> directory rather than through the swappable link.</summary>
    private static string ResolveThroughData(string entry, string? dataDirectory)
    {
        if (dataDirectory is null)
        {
            return entry;
        }

        var info = new FileInfo(entry);
        if (info.LinkTarget is { } link && (link.StartsWith(DataLink + "/", StringComparison.Ordinal) || link.StartsWith(DataLink + "\\", StringComparison.Ordinal)))
        {
            return System.IO.Path.Combine(dataDirectory, link[(DataLink.Length + 1)..]);
        }

        return entry;
    }

    private static MountedFile ReadFile(MountedFilesSourceOptions options, string storeName, string name, string path)
    {
        var resolved = new FileInfo(path);
        var final = resolved.LinkTarget is null ? resolved : (resolved.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? resolved);
        try
        {
            var length = final.Length;
            if (length > options.MaxFileSizeBytes)
            {
                var error = new SecretStoreException(
                    $"Mounted secret file '{name}' in '{options.Path}' is {length} bytes, over the {options.MaxFileSizeBytes}-byte limit ({nameof(MountedFilesSourceOptions.MaxFileSizeBytes)}).",
                    SecretErrorKind.InvalidRequest,
                    storeName,
                    name);
                return new MountedFile(name, final.FullName, null, $"oversize:{length}", final.LastWriteTimeUtc, error);
            }

            var content = File.ReadAllBytes(final.FullName);
            return new MountedFile(name, final.FullName, content, Convert.ToHexString(SHA256.HashData(content)), final.LastWriteTimeUtc, null);
        }
        catch (UnauthorizedAccessException ex)
        {
            var error = new SecretStoreException($"Mounted secret file '{name}' in '{options.Path}' is not readable by this process.", SecretErrorKind.AccessDenied, storeName, name, innerException: ex);
            return new MountedFile(name, final.FullName, null, "unreadable", DateTimeOffset.MinValue, error);
        }
        catch (FileNotFoundException ex)
        {
            // Removed between listing and reading (a swap in progress): report it as transient.
            throw new SecretStoreException($"Mounted secret file '{name}' in '{options.Path}' vanished while being read.", SecretErrorKind.Unavailable, storeName, name, innerException: ex);
        }
    }

    private static string Sign(IEnumerable<MountedFile> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file.Name + "\0" + file.ResolvedPath + "\0" + file.Hash + "\n"));
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
