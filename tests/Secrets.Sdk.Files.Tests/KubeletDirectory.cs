using System.Runtime.InteropServices;

namespace Secrets.Sdk.Files.Tests;

/// <summary>
/// Writes a directory exactly as the kubelet's AtomicWriter does: files in a new <c>..TIMESTAMP</c> directory,
/// <c>..data_tmp</c> symlinked to it and renamed over <c>..data</c> with rename(2), top-level names symlinked through
/// <c>..data</c>, then the old timestamped directory removed.
/// </summary>
internal sealed partial class KubeletDirectory : IDisposable
{
    private int _generation;
    private string? _current;

    public KubeletDirectory(IReadOnlyDictionary<string, string> files)
    {
        Root = Path.Combine(Path.GetTempPath(), "secrets-sdk-kubelet-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Swap(files);
    }

    public string Root { get; }

    public void Swap(IReadOnlyDictionary<string, string> files)
    {
        var timestamped = $"..2026_01_01_00_00_{_generation++:D2}.{Random.Shared.Next(100000, 999999)}";
        var directory = Path.Combine(Root, timestamped);
        Directory.CreateDirectory(directory);
        foreach (var (name, content) in files)
        {
            File.WriteAllText(Path.Combine(directory, name), content);
        }

        var tmp = Path.Combine(Root, "..data_tmp");
        File.CreateSymbolicLink(tmp, timestamped);
        if (Rename(tmp, Path.Combine(Root, "..data")) != 0)
        {
            throw new IOException("rename(2) of ..data_tmp over ..data failed: errno " + Marshal.GetLastPInvokeError());
        }

        foreach (var name in files.Keys)
        {
            var link = Path.Combine(Root, name);
            if (!Path.Exists(link) && new FileInfo(link).LinkTarget is null)
            {
                File.CreateSymbolicLink(link, Path.Combine("..data", name));
            }
        }

        foreach (var entry in Directory.EnumerateFileSystemEntries(Root))
        {
            var name = Path.GetFileName(entry);
            if (!name.StartsWith('.') && !files.ContainsKey(name))
            {
                File.Delete(entry);
            }
        }

        if (_current is not null)
        {
            Directory.Delete(Path.Combine(Root, _current), recursive: true);
        }

        _current = timestamped;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Rename(string oldPath, string newPath);
}
