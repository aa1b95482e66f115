using BenchmarkDotNet.Attributes;
using Secrets.Sdk.Files;

namespace Secrets.Sdk.Benchmarks.Files;

/// <summary>
/// The cost of one poll of a 10,000-file kubelet mount (<c>key</c> → <c>..data/key</c>, <c>..data</c> →
/// <c>..TIMESTAMP</c>) when nothing changed, against a poll that reads and hashes every file (what every poll did
/// before it compared the resolved <c>..data</c> target and each file's inode, size and times first). Idle CPU at
/// the default 10 s interval is the no-change mean divided by 10 s.
/// </summary>
/// <remarks>
/// The no-change poll still looks at every file (one statx each, on the path through the resolved <c>..data</c>);
/// it skips listing directories and reading links whose directory is unchanged, and opens and hashes nothing.
/// </remarks>
[MemoryDiagnoser]
public class MountedFilesPollBenchmarks
{
    private const int FileCount = 10_000;
    private string _root = string.Empty;
    private MountedDirectoryReader _reader = null!;
    private MountedFileSnapshot _warm = null!;

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "secrets-sdk-bench-poll-" + Guid.NewGuid().ToString("N"));
        const string timestamped = "..2026_01_01_00_00_00.000001";
        var data = Path.Combine(_root, timestamped);
        Directory.CreateDirectory(data);
        var aged = DateTime.UtcNow.AddHours(-1); // Not "racily" recent: a poll may trust their status.
        for (var i = 0; i < FileCount; i++)
        {
            var name = $"Secret{i:D5}";
            var file = Path.Combine(data, name);
            File.WriteAllText(file, "value-" + Guid.NewGuid().ToString("N"));
            File.SetLastWriteTimeUtc(file, aged);
            File.CreateSymbolicLink(Path.Combine(_root, name), Path.Combine("..data", name));
        }

        File.CreateSymbolicLink(Path.Combine(_root, "..data"), timestamped);

        // A real mount was written more than 2 s before a poll; until then the reader re-lists "racily" recent
        // directories and re-reads such links, as a poll right after a kubelet swap does.
        Thread.Sleep(TimeSpan.FromSeconds(2.5));
        var options = new MountedFilesSourceOptions { Path = _root };
        options.Validate();
        _reader = new MountedDirectoryReader(options, "files:bench", FileSystemAccess.Default);
        _warm = _reader.Read(null, CancellationToken.None);
        _warm = _reader.Read(_warm, CancellationToken.None);
        if (_warm.Files.Count != FileCount || _reader.Read(_warm, CancellationToken.None).FilesRead != 0)
        {
            throw new InvalidOperationException("The benchmark mount did not read as expected.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    [Benchmark(Baseline = true, Description = "poll reading and hashing every file")]
    public int FullReadPoll() => _reader.Read(null, CancellationToken.None).Files.Count;

    [Benchmark(Description = "poll with nothing changed (stat only)")]
    public int NoChangePoll() => _reader.Read(_warm, CancellationToken.None).FilesRead;
}
