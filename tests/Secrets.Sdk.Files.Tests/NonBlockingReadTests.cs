using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Files.Tests;

/// <summary>A file system that hangs never holds the caller's thread: reads run on the pool and are abandoned on timeout or cancellation.</summary>
public sealed class NonBlockingReadTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "secrets-sdk-hang-" + Guid.NewGuid().ToString("N"));
    private readonly CountingFileSystem _fs = new(FileSystemAccess.Default);

    public NonBlockingReadTests()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "A"), "1");
    }

    public void Dispose()
    {
        _fs.Release();
        _fs.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task RefreshAsync_ReturnsAtOnceWhileTheFileSystemHangs_AndFailsWithATimeoutNamingTheMount()
    {
        var time = new ManualTimeProvider();
        var config = new ConfigurationBuilder()
            .AddSecretsManager(s =>
            {
                s.TimeProvider = time;
                s.AddMountedFiles(_dir, o =>
                {
                    o.FileSystem = _fs;
                    o.UseFileSystemWatcher = false;
                    o.ReadTimeout = TimeSpan.FromSeconds(5);
                    o.Resilience.MaxRetryAttempts = 0;
                });
            })
            .Build();
        var manager = config.GetSecretsManager();
        _fs.Hold();

        var refresh = manager.RefreshAsync();

        Assert.False(refresh.IsCompleted); // The caller got its task back while the listing is stuck.
        var timeoutDue = time.GetUtcNow() + TimeSpan.FromSeconds(5);
        await Waits.UntilAsync(() => _fs.ListingsWaiting == 1 && time.PendingDueTimes.Contains(timeoutDue), "the read to start and its timeout to be armed");
        time.Advance(TimeSpan.FromSeconds(5));
        var result = await refresh.WaitAsync(Waits.Guard);

        Assert.False(result.Succeeded);
        var message = result.Failures.Values.Single().Message;
        Assert.Contains(_dir, message, StringComparison.Ordinal);
        Assert.Contains(nameof(MountedFilesSourceOptions.ReadTimeout), message, StringComparison.Ordinal);
        Assert.Equal("1", config["A"]);
    }

    [Fact]
    public async Task ListSecretsAsync_IsAbandonedOnCancellation_AndConcurrentCallsShareOneRead()
    {
        using var store = new MountedFilesSecretStore(new MountedFilesSourceOptions { Path = _dir, UseFileSystemWatcher = false, FileSystem = _fs }, new ManualTimeProvider(), NullLogger.Instance);
        using var cancel = new CancellationTokenSource();
        _fs.Hold();

        var first = store.ListSecretsAsync(cancel.Token).AsTask();
        var second = store.ListSecretsAsync(CancellationToken.None).AsTask();
        await Waits.UntilAsync(() => _fs.ListingsWaiting > 0, "the read to start");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(Waits.Guard));
        Assert.False(second.IsCompleted);
        Assert.Equal(1, _fs.ListingsWaiting);
        _fs.Release();
        Assert.Equal("A", Assert.Single(await second.WaitAsync(Waits.Guard)).Name);
    }
}
