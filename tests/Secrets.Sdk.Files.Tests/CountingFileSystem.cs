namespace Secrets.Sdk.Files.Tests;

/// <summary>Wraps a file-system access, counting content reads and optionally holding every listing until released.</summary>
internal sealed class CountingFileSystem(FileSystemAccess inner) : FileSystemAccess, IDisposable
{
    private readonly ManualResetEventSlim _open = new(initialState: true);
    private int _reads;
    private int _listings;
    private int _linkReads;
    private int _listingsWaiting;

    public int Reads => Volatile.Read(ref _reads);

    public int Listings => Volatile.Read(ref _listings);

    public int LinkReads => Volatile.Read(ref _linkReads);

    public int ListingsWaiting => Volatile.Read(ref _listingsWaiting);

    public override bool KnowsFileTypes => inner.KnowsFileTypes;

    /// <summary>Makes every listing wait (like a hung network file system) until <see cref="Release"/>.</summary>
    public void Hold() => _open.Reset();

    public void Release() => _open.Set();

    public override FileStatus Probe(string path) => inner.Probe(path);

    public override string? ReadLink(string path)
    {
        Interlocked.Increment(ref _linkReads);
        return inner.ReadLink(path);
    }

    public override IEnumerable<string> ListNames(string directory)
    {
        Interlocked.Increment(ref _listings);
        Interlocked.Increment(ref _listingsWaiting);
        try
        {
            _open.Wait(Waits.Guard);
        }
        finally
        {
            Interlocked.Decrement(ref _listingsWaiting);
        }

        return inner.ListNames(directory);
    }

    public override BoundedRead ReadBounded(string path, FileIdentity expected, long limit)
    {
        Interlocked.Increment(ref _reads);
        return inner.ReadBounded(path, expected, limit);
    }

    public void Dispose() => _open.Dispose();
}
