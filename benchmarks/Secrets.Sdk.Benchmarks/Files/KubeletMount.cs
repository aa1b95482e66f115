namespace Secrets.Sdk.Benchmarks.Files;

/// <summary>
/// A kubelet-style mount on disk: <c>..TIMESTAMP/</c> with the files, <c>..data</c> → it, and a top-level link
/// <c>name</c> → <c>..data/name</c> per file, all written more than 2 s before use (as a real mount between swaps).
/// </summary>
internal sealed class KubeletMount : IDisposable
{
    public KubeletMount(int fileCount)
    {
        Root = Path.Combine(Path.GetTempPath(), "secrets-sdk-bench-mount-" + Guid.NewGuid().ToString("N"));
        const string timestamped = "..2026_01_01_00_00_00.000001";
        var data = Path.Combine(Root, timestamped);
        Directory.CreateDirectory(data);
        var aged = DateTime.UtcNow.AddHours(-1);
        for (var i = 0; i < fileCount; i++)
        {
            var name = $"Secret{i:D5}";
            var file = Path.Combine(data, name);
            File.WriteAllText(file, "value-" + Guid.NewGuid().ToString("N"));
            File.SetLastWriteTimeUtc(file, aged);
            File.CreateSymbolicLink(Path.Combine(Root, name), Path.Combine("..data", name));
        }

        File.CreateSymbolicLink(Path.Combine(Root, "..data"), timestamped);
    }

    public string Root { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
