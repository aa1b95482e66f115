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
    private KubeletMount _mount = null!;
    private MountedDirectoryReader _reader = null!;
    private MountedFileSnapshot _warm = null!;

    [GlobalSetup]
    public void Setup()
    {
        _mount = new KubeletMount(FileCount);
        var options = new MountedFilesSourceOptions { Path = _mount.Root };
        options.Validate();
        // A mount between swaps is older than the reader's 2 s "racy" window (inside it, recent directories are listed
        // and links read again, as on the first poll after a swap): the reader's file clock runs ahead instead of waiting.
        _reader = new MountedDirectoryReader(options, "files:bench", FileSystemAccess.Default, new AheadClock(TimeSpan.FromSeconds(3)));
        _warm = _reader.Read(_reader.Read(null, CancellationToken.None), CancellationToken.None);
        if (_warm.Files.Count != FileCount || _reader.Read(_warm, CancellationToken.None).FilesRead != 0)
        {
            throw new InvalidOperationException("The benchmark mount did not read as expected.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _mount.Dispose();

    [Benchmark(Baseline = true, Description = "poll reading and hashing every file")]
    public int FullReadPoll() => _reader.Read(null, CancellationToken.None).Files.Count;

    [Benchmark(Description = "poll with nothing changed (stat only)")]
    public int NoChangePoll() => _reader.Read(_warm, CancellationToken.None).FilesRead;

    private sealed class AheadClock(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + ahead;
    }
}
