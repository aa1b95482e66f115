using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;
using Secrets.Sdk.Files;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Files.Tests;

public sealed class MountedFilesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "secrets-sdk-files-" + Guid.NewGuid().ToString("N"));

    public MountedFilesTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Load_MapsDoubleUnderscoreAndSubdirectories_SkipsDotEntries()
    {
        File.WriteAllText(Path.Combine(_dir, "Database__Password"), "p1");
        Directory.CreateDirectory(Path.Combine(_dir, "Api"));
        File.WriteAllText(Path.Combine(_dir, "Api", "Key"), "k1");
        File.WriteAllText(Path.Combine(_dir, ".hidden"), "x");
        Directory.CreateDirectory(Path.Combine(_dir, "..2026_01_01"));
        File.WriteAllText(Path.Combine(_dir, "..2026_01_01", "Ghost"), "x");

        var config = Build(new ManualTimeProvider());

        Assert.Equal("p1", config["Database:Password"]);
        Assert.Equal("k1", config["Api:Key"]);
        Assert.Equal(2, config.AsEnumerable().Count(kv => kv.Value is not null));
    }

    [Fact]
    public void Load_IgnorePredicateAndSubdirectoryOption_AreHonoured()
    {
        File.WriteAllText(Path.Combine(_dir, "Keep"), "1");
        File.WriteAllText(Path.Combine(_dir, "Skip.bak"), "2");
        Directory.CreateDirectory(Path.Combine(_dir, "Sub"));
        File.WriteAllText(Path.Combine(_dir, "Sub", "Inner"), "3");

        var config = Build(new ManualTimeProvider(), o =>
        {
            o.Ignore = p => p.EndsWith(".bak", StringComparison.Ordinal);
            o.IncludeSubdirectories = false;
        });

        Assert.Equal("1", config["Keep"]);
        Assert.Null(config["Skip.bak"]);
        Assert.Null(config["Sub:Inner"]);
    }

    [Fact]
    public void Load_TrimsTrailingNewlinesByDefault_AndKeepsThemWhenAsked()
    {
        File.WriteAllText(Path.Combine(_dir, "Token"), "abc\r\n");

        Assert.Equal("abc", Build(new ManualTimeProvider())["Token"]);
        Assert.Equal("abc\r\n", Build(new ManualTimeProvider(), o => o.TrimTrailingNewlines = false)["Token"]);
    }

    [Fact]
    public void Load_FileOverSizeLimit_FailsNamingFileAndLimitButNotContent()
    {
        File.WriteAllText(Path.Combine(_dir, "Big"), "TOP-SECRET-" + new string('x', 100));

        var ex = Assert.Throws<SecretsLoadException>(() => Build(new ManualTimeProvider(), o => o.MaxFileSizeBytes = 64));

        Assert.Contains("'Big'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("64-byte limit", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TOP-SECRET", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingDirectoryAtStartup_FailsNamingThePath()
    {
        var missing = Path.Combine(_dir, "nope");

        var ex = Assert.Throws<SecretsLoadException>(() => new ConfigurationBuilder().AddSecretsManager(s => s.AddMountedFiles(missing, o => o.UseFileSystemWatcher = false)).Build());

        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KubeletSwap_SeenByPollingAlone_WhenWatcherIsOff_OneReloadPerSwap()
    {
        var time = new ManualTimeProvider();
        using var kubelet = new KubeletDirectory(new Dictionary<string, string> { ["Database__Password"] = "p1", ["Database__User"] = "app" });
        var config = Build(time, o => o.Path = kubelet.Root);
        var reloads = 0;
        ChangeToken.OnChange(config.GetReloadToken, () => Interlocked.Increment(ref reloads));
        Assert.Equal("p1", config["Database:Password"]);

        kubelet.Swap(new Dictionary<string, string> { ["Database__Password"] = "p2", ["Database__User"] = "app" });
        time.Advance(TimeSpan.FromSeconds(10));
        // The value becomes readable just before the reload token fires: wait for both, then check there was one reload.
        await Waits.UntilAsync(() => config["Database:Password"] == "p2" && Volatile.Read(ref reloads) > 0, "the swap to be loaded and announced");

        Assert.Equal(1, reloads);
        Assert.Equal("app", config["Database:User"]);
    }

    [Fact]
    public async Task KubeletSwap_AddsAndRemovesFiles()
    {
        var time = new ManualTimeProvider();
        using var kubelet = new KubeletDirectory(new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" });
        var config = Build(time, o => o.Path = kubelet.Root);

        kubelet.Swap(new Dictionary<string, string> { ["A"] = "1", ["C"] = "3" });
        time.Advance(TimeSpan.FromSeconds(10));
        await Waits.UntilAsync(() => config["C"] == "3", "the new file");

        Assert.Null(config["B"]);
        Assert.Equal("1", config["A"]);
    }

    [Fact]
    public async Task SwapWithSameContent_AndTouch_CauseNoReload()
    {
        var time = new ManualTimeProvider();
        using var kubelet = new KubeletDirectory(new Dictionary<string, string> { ["A"] = "1" });
        var config = Build(time, o => o.Path = kubelet.Root);
        var manager = config.GetSecretsManager();
        var reloads = 0;
        ChangeToken.OnChange(config.GetReloadToken, () => Interlocked.Increment(ref reloads));
        var refreshed = 0;
        manager.Changed += (_, _) => Interlocked.Increment(ref refreshed);

        File.SetLastWriteTimeUtc(Path.Combine(kubelet.Root, "A"), DateTime.UtcNow.AddMinutes(5));
        kubelet.Swap(new Dictionary<string, string> { ["A"] = "1" });
        time.Advance(TimeSpan.FromSeconds(10));
        await manager.RefreshAsync();

        Assert.Equal(0, reloads);
        Assert.Equal(0, refreshed);
        Assert.Equal("1", config["A"]);
    }

    [Fact]
    public async Task MissingDirectoryAfterStartup_KeepsLastValues_ReportsIt_AndRecovers()
    {
        var time = new ManualTimeProvider();
        File.WriteAllText(Path.Combine(_dir, "A"), "1");
        var config = Build(time);
        var manager = config.GetSecretsManager();

        Directory.Delete(_dir, recursive: true);
        var result = await manager.RefreshAsync();

        Assert.False(result.Succeeded);
        Assert.Contains(_dir, result.Failures.Values.Single().Message, StringComparison.Ordinal);
        Assert.Equal("1", config["A"]);
        Assert.Equal(1, manager.Sources[0].ConsecutiveFailures);

        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "A"), "2");
        await manager.RefreshAsync();
        Assert.Equal("2", config["A"]);
    }

    [Fact]
    public async Task KubeletSwap_SeenByWatcher_WithRealClock()
    {
        using var kubelet = new KubeletDirectory(new Dictionary<string, string> { ["Token"] = "t1" });
        var config = Build(TimeProvider.System, o =>
        {
            o.Path = kubelet.Root;
            o.UseFileSystemWatcher = true;
            o.PollingInterval = TimeSpan.FromHours(1); // Only the watcher can see this swap in time.
            o.ChangeDebounce = TimeSpan.FromMilliseconds(20);
            o.MinimumRefreshInterval = TimeSpan.Zero;
        });
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        config.GetSecretsManager().Changed += (_, _) => changed.TrySetResult();

        kubelet.Swap(new Dictionary<string, string> { ["Token"] = "t2" });

        await changed.Task.WaitAsync(Waits.Guard);
        Assert.Equal("t2", config["Token"]);
        ((IDisposable)config).Dispose();
    }

    private IConfigurationRoot Build(TimeProvider time, Action<MountedFilesSourceOptions>? configure = null) =>
        new ConfigurationBuilder()
            .AddSecretsManager(s =>
            {
                s.TimeProvider = time;
                s.AddMountedFiles(_dir, o =>
                {
                    o.UseFileSystemWatcher = false;
                    o.ChangeDebounce = TimeSpan.Zero;
                    o.Resilience.MaxRetryAttempts = 0;
                    configure?.Invoke(o);
                });
            })
            .Build();
}
