using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Files.Tests;

/// <summary>Polling cost: a read given the previous one opens only files whose status changed.</summary>
public sealed class MountedDirectoryReaderTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "secrets-sdk-reader-" + Guid.NewGuid().ToString("N"));

    public MountedDirectoryReaderTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void PlatformAccess_OnLinux_UsesStatx()
    {
        Assert.True(OperatingSystem.IsLinux());
        Assert.True(FileSystemAccess.Default.KnowsFileTypes);
        Assert.IsType<LinuxFileSystemAccess>(FileSystemAccess.Default);
    }

    [Fact]
    public void UnchangedPoll_OpensNoFile_AndKeepsTheSignature()
    {
        WriteAged("A", "1");
        WriteAged("B", "2");
        Directory.CreateDirectory(Path.Combine(_dir, "Sub"));
        WriteAged("Sub/C", "3");
        using var fs = new CountingFileSystem(FileSystemAccess.Default);
        var reader = Reader(fs);

        var first = reader.Read(null, CancellationToken.None);
        var second = reader.Read(first, CancellationToken.None);

        Assert.Equal(3, first.FilesRead);
        Assert.Equal(0, second.FilesRead);
        Assert.Equal(3, fs.Reads);
        Assert.Equal(first.Signature, second.Signature);
        Assert.Same(first.Files["Sub/C"], second.Files["Sub/C"]);
    }

    [Fact]
    public void ChangedFile_IsTheOnlyOneReadAgain()
    {
        WriteAged("A", "1");
        WriteAged("B", "2");
        using var fs = new CountingFileSystem(FileSystemAccess.Default);
        var reader = Reader(fs);
        var first = reader.Read(null, CancellationToken.None);

        WriteAged("B", "22");
        var second = reader.Read(first, CancellationToken.None);

        Assert.Equal(1, second.FilesRead);
        Assert.NotEqual(first.Signature, second.Signature);
        Assert.Equal("22"u8.ToArray(), second.Files["B"].Content);
    }

    [Fact]
    public void SameSizeRewrite_WithTheOldModificationTimeRestored_IsStillSeen()
    {
        var path = WriteAged("A", "one");
        var mtime = File.GetLastWriteTimeUtc(path);
        var reader = Reader(FileSystemAccess.Default);
        var first = reader.Read(null, CancellationToken.None);

        File.WriteAllText(path, "two");
        File.SetLastWriteTimeUtc(path, mtime); // Same inode, size and mtime: only ctime tells.
        var second = reader.Read(first, CancellationToken.None);

        Assert.Equal("two"u8.ToArray(), second.Files["A"].Content);
    }

    [Fact]
    public void RecentlyModifiedFile_IsReadAgainByTheNextPoll()
    {
        File.WriteAllText(Path.Combine(_dir, "Fresh"), "1"); // Modified just now: a second write in the same tick would look identical.
        using var fs = new CountingFileSystem(FileSystemAccess.Default);
        var reader = Reader(fs);

        var first = reader.Read(null, CancellationToken.None);
        var second = reader.Read(first, CancellationToken.None);

        Assert.True(first.Files["Fresh"].Racy);
        Assert.Equal(1, second.FilesRead);
    }

    [Fact]
    public void KubeletSwap_ReadsEveryFileFromTheNewDataDirectory_AndNoSwapReadsNone()
    {
        using var kubelet = new KubeletDirectory(new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" });
        AgeAll(kubelet.Root);
        using var fs = new CountingFileSystem(FileSystemAccess.Default);
        var reader = Reader(fs, kubelet.Root);
        var first = reader.Read(null, CancellationToken.None);
        var idle = reader.Read(first, CancellationToken.None);

        kubelet.Swap(new Dictionary<string, string> { ["A"] = "1", ["B"] = "3" });
        AgeAll(kubelet.Root);
        var swapped = reader.Read(idle, CancellationToken.None);

        Assert.Equal(0, idle.FilesRead);
        Assert.Equal(2, swapped.FilesRead);
        Assert.NotEqual(first.Files["A"].ResolvedPath, swapped.Files["A"].ResolvedPath);
        Assert.StartsWith(kubelet.Root, swapped.Files["A"].ResolvedPath, StringComparison.Ordinal);
        Assert.Equal("3"u8.ToArray(), swapped.Files["B"].Content);
    }

    [Fact]
    public void IdleKubeletPoll_ListsNoDirectory_ReadsNoLink_AndOpensNoFile()
    {
        using var kubelet = new KubeletDirectory(new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" });
        Directory.CreateDirectory(Path.Combine(kubelet.Root, "Plain"));
        File.WriteAllText(Path.Combine(kubelet.Root, "Plain", "C"), "3");
        using var fs = new CountingFileSystem(FileSystemAccess.Default);
        var reader = Reader(fs, kubelet.Root, LaterClock());
        var first = reader.Read(null, CancellationToken.None);
        var (listings, links) = (fs.Listings, fs.LinkReads);

        var idle = reader.Read(first, CancellationToken.None);
        var again = reader.Read(idle, CancellationToken.None);

        Assert.Equal(2, listings); // The root and Plain; ..data's directory is never listed.
        Assert.Equal(3, links); // ..data, A, B.
        Assert.Equal((listings, links), (fs.Listings, fs.LinkReads));
        Assert.Equal(0, idle.FilesRead + again.FilesRead);
        Assert.Equal(first.Signature, again.Signature);
    }

    [Fact]
    public void RememberedListing_IsDroppedWhenTheDirectoryChanges()
    {
        // Each state of the directory gets a distinct mtime (backdated, then "now" from the kernel), so no change can hide in one timestamp tick.
        WriteAged("A", "1");
        Directory.SetLastWriteTimeUtc(_dir, DateTime.UtcNow.AddHours(-3));
        var reader = Reader(FileSystemAccess.Default, clock: LaterClock());
        var first = reader.Read(null, CancellationToken.None);

        File.WriteAllText(Path.Combine(_dir, "Added"), "2");
        File.CreateSymbolicLink(Path.Combine(_dir, "Link"), "A");
        Directory.SetLastWriteTimeUtc(_dir, DateTime.UtcNow.AddHours(-2));
        var second = reader.Read(first, CancellationToken.None);
        File.Delete(Path.Combine(_dir, "Link"));
        File.CreateSymbolicLink(Path.Combine(_dir, "Link"), "Added"); // Same name, new target.
        var third = reader.Read(second, CancellationToken.None);

        Assert.Equal(["A", "Added", "Link"], second.Files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("1"u8.ToArray(), second.Files["Link"].Content);
        Assert.Equal("2"u8.ToArray(), third.Files["Link"].Content);
    }

    [Fact]
    public void ManagedFallback_ReadsTheKubeletLayout_AndSkipsLinksOutsideTheMount()
    {
        using var kubelet = new KubeletDirectory(new Dictionary<string, string> { ["Token"] = "t1" });
        File.CreateSymbolicLink(Path.Combine(kubelet.Root, "Hostname"), "/etc/hostname");

        var snapshot = Reader(new ManagedFileSystemAccess(), kubelet.Root).Read(null, CancellationToken.None);

        Assert.Equal("t1"u8.ToArray(), snapshot.Files["Token"].Content);
        Assert.False(snapshot.Files.ContainsKey("Hostname"));
        Assert.Contains(snapshot.Skipped, s => s.Name == "Hostname" && s.Reason == SkipReason.OutsideMount);
    }

    [Fact]
    public void ManagedFallback_ReadsAnEndlessFileOnlyUpToTheLimit()
    {
        // The managed fallback cannot tell /dev/zero from a regular file; the bounded read still stops at limit + 1 bytes.
        File.CreateSymbolicLink(Path.Combine(_dir, "Zero"), "/dev/zero");
        var options = new MountedFilesSourceOptions { Path = _dir, AllowLinksOutsideMount = true, MaxFileSizeBytes = 1024 };

        var snapshot = new MountedDirectoryReader(options, "files:test", new ManagedFileSystemAccess()).Read(null, CancellationToken.None);

        Assert.Null(snapshot.Files["Zero"].Content);
        Assert.Contains("1024-byte limit", snapshot.Files["Zero"].Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OversizeFile_IsReadOnlyUpToTheLimitPlusOne()
    {
        var path = Path.Combine(_dir, "Big");
        File.WriteAllBytes(path, new byte[10_000]);
        var access = FileSystemAccess.Default;

        var read = access.ReadBounded(path, access.Probe(path).Identity, 100);
        var whole = access.ReadBounded(path, access.Probe(path).Identity, 10_000);

        Assert.Equal(BoundedReadOutcome.TooLarge, read.Outcome);
        Assert.Null(read.Content);
        Assert.Equal(10_000, whole.Content!.Length);
    }

    [Fact]
    public void FileReplacedBetweenLookAndOpen_IsNotRead()
    {
        var path = Path.Combine(_dir, "Swapped");
        File.WriteAllText(path, "old");
        var access = FileSystemAccess.Default;
        var looked = access.Probe(path).Identity;
        File.Delete(path);
        HostileFiles.CreateFifo(path);

        var read = access.ReadBounded(path, looked, 100); // Opens with O_NONBLOCK: returns at once, sees a FIFO, reads nothing.

        Assert.Equal(BoundedReadOutcome.Replaced, read.Outcome);
    }

    private MountedDirectoryReader Reader(FileSystemAccess fs, string? path = null, TimeProvider? clock = null) =>
        new(new MountedFilesSourceOptions { Path = path ?? _dir }, "files:test", fs, clock);

    /// <summary>A file clock an hour ahead: everything on disk looks long settled, nothing "racily" recent.</summary>
    private static ManualTimeProvider LaterClock() => new(DateTimeOffset.UtcNow.AddHours(1));

    private string WriteAged(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        HostileFiles.Age(path);
        return path;
    }

    private static void AgeAll(string root)
    {
        foreach (var file in Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
        {
            HostileFiles.Age(file);
        }
    }
}
