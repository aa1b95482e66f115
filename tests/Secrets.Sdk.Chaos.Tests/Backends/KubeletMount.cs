using System.Runtime.InteropServices;

namespace Secrets.Sdk.Chaos.Tests.Backends;

/// <summary>
/// A mounted-secret directory written the way the kubelet's AtomicWriter does it: all files in a new
/// <c>..TIMESTAMP</c> directory, <c>..data_tmp</c> linked to it and renamed over <c>..data</c> (rename(2)), top-level
/// names linked through <c>..data</c>, the old directory removed. It can be moved away (unreadable) and back.
/// </summary>
internal sealed partial class KubeletMount : IDisposable
{
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);
    private int _generation;
    private string? _current;

    public KubeletMount()
    {
        Root = Path.Combine(Path.GetTempPath(), "secrets-sdk-chaos-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public bool Away { get; private set; }

    private string Here => Away ? Root + ".away" : Root;

    public void Write(string name, string content)
    {
        _files[name] = content;
        var timestamped = $"..2026_01_01_00_00_00.{_generation++:D6}";
        var directory = Path.Combine(Here, timestamped);
        Directory.CreateDirectory(directory);
        foreach (var (file, text) in _files)
        {
            File.WriteAllText(Path.Combine(directory, file), text + "\n");
        }

        var tmp = Path.Combine(Here, "..data_tmp");
        File.CreateSymbolicLink(tmp, timestamped);
        if (Rename(tmp, Path.Combine(Here, "..data")) != 0)
        {
            throw new IOException("rename(2) of ..data_tmp over ..data failed: errno " + Marshal.GetLastPInvokeError());
        }

        var link = Path.Combine(Here, name);
        if (new FileInfo(link).LinkTarget is null)
        {
            File.CreateSymbolicLink(link, Path.Combine("..data", name));
        }

        if (_current is not null)
        {
            Directory.Delete(Path.Combine(Here, _current), recursive: true);
        }

        _current = timestamped;
    }

    public void MoveAway()
    {
        Directory.Move(Root, Root + ".away");
        Away = true;
    }

    public void MoveBack()
    {
        Directory.Move(Root + ".away", Root);
        Away = false;
    }

    public void Dispose() => Directory.Delete(Here, recursive: true);

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Rename(string oldPath, string newPath);
}
