using System.Runtime.InteropServices;

namespace QuickStart;

/// <summary>
/// Writes secrets the way the kubelet updates a mounted Secret volume: a new timestamped directory, a
/// <c>..data</c> symlink swapped to it with one atomic rename, and top-level names that link through <c>..data</c>.
/// </summary>
internal sealed partial class KubeletStyleDirectory : IDisposable
{
    private string? _current;
    private int _generation;

    public KubeletStyleDirectory()
    {
        Root = Path.Combine(Path.GetTempPath(), "secrets-sdk-quickstart-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public void Write(IReadOnlyDictionary<string, string> files)
    {
        var timestamped = $"..{DateTime.UtcNow:yyyy_MM_dd_HH_mm_ss}.{_generation++}";
        Directory.CreateDirectory(Path.Combine(Root, timestamped));
        foreach (var (name, value) in files)
        {
            File.WriteAllText(Path.Combine(Root, timestamped, name), value);
        }

        var tmp = Path.Combine(Root, "..data_tmp");
        File.CreateSymbolicLink(tmp, timestamped);
        if (Rename(tmp, Path.Combine(Root, "..data")) != 0)
        {
            throw new IOException($"rename(2) failed with errno {Marshal.GetLastPInvokeError()}");
        }

        foreach (var name in files.Keys.Where(n => !Path.Exists(Path.Combine(Root, n))))
        {
            File.CreateSymbolicLink(Path.Combine(Root, name), Path.Combine("..data", name));
        }

        if (_current is not null)
        {
            Directory.Delete(Path.Combine(Root, _current), recursive: true);
        }

        _current = timestamped;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Rename(string oldPath, string newPath);
}
