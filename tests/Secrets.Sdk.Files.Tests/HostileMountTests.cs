using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Files.Tests;

/// <summary>A mount holding links out of itself, special files, loops and too much: each is skipped or bounded, nothing blocks.</summary>
public sealed class HostileMountTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "secrets-sdk-hostile-" + Guid.NewGuid().ToString("N"));
    private readonly LogCapture _logs = new();
    private readonly ManualTimeProvider _time = new();

    public HostileMountTests()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "Good"), "ok");
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task LinksToEtc_ResolveOutsideTheMount_AreSkippedWithAWarningNamingEach()
    {
        File.CreateSymbolicLink(Path.Combine(_dir, "Hostname"), "/etc/hostname");
        File.CreateSymbolicLink(Path.Combine(_dir, "Relative"), "../../../../../../../../etc/hostname");
        Directory.CreateSymbolicLink(Path.Combine(_dir, "Etc"), "/etc");

        var config = await BuildAsync();

        Assert.Equal("ok", config["Good"]);
        Assert.Null(config["Hostname"]);
        Assert.Null(config["Relative"]);
        Assert.DoesNotContain(config.AsEnumerable(), kv => kv.Key.StartsWith("Etc", StringComparison.OrdinalIgnoreCase));
        AssertWarned("'Hostname'", "outside the mount");
        AssertWarned("'Relative'", "outside the mount");
        AssertWarned("'Etc'", "outside the mount");
    }

    [Fact]
    public async Task LinkOutsideTheMount_IsRead_WhenAllowLinksOutsideMount()
    {
        File.CreateSymbolicLink(Path.Combine(_dir, "Hostname"), "/etc/hostname");

        var config = await BuildAsync(o => o.AllowLinksOutsideMount = true);

        Assert.Equal(File.ReadAllText("/etc/hostname").TrimEnd('\n'), config["Hostname"]);
        Assert.Empty(_logs.Warnings);
    }

    [Fact]
    public async Task LinkToProcSelfEnviron_IsSkipped_AndWhenAllowed_IsReadBoundedDespiteReportingZeroLength()
    {
        Assert.Equal(0, new FileInfo("/proc/self/environ").Length); // The premise: /proc files report no size.
        File.CreateSymbolicLink(Path.Combine(_dir, "Environ"), "/proc/self/environ");

        var config = await BuildAsync();
        Assert.Null(config["Environ"]);
        AssertWarned("'Environ'", "outside the mount");

        var ex = await Assert.ThrowsAsync<SecretsLoadException>(() => BuildAsync(o =>
        {
            o.AllowLinksOutsideMount = true;
            o.MaxFileSizeBytes = 16;
        }));
        Assert.Contains("'Environ'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("16-byte limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fifo_IsSkippedWithAWarning_AndLoadingDoesNotBlockOnIt()
    {
        HostileFiles.CreateFifo(Path.Combine(_dir, "Pipe"));

        var config = await BuildAsync(); // Before the fix this never returned: open(2) on a FIFO waits for a writer.

        Assert.Equal("ok", config["Good"]);
        Assert.Null(config["Pipe"]);
        AssertWarned("'Pipe'", "FIFO");
    }

    [Fact]
    public async Task FifoAppearingAfterStartup_NeitherFreezesPollingNorRefresh()
    {
        var config = await BuildAsync();
        var manager = config.GetSecretsManager();

        HostileFiles.CreateFifo(Path.Combine(_dir, "Pipe"));
        File.WriteAllText(Path.Combine(_dir, "Later"), "2");
        _time.Advance(TimeSpan.FromSeconds(10)); // The poll.
        await Waits.UntilAsync(() => config["Later"] == "2", "the poll to load the new file next to the FIFO");
        var result = await manager.RefreshAsync().WaitAsync(Waits.Guard);

        Assert.True(result.Succeeded);
        Assert.Null(config["Pipe"]);
        AssertWarned("'Pipe'", "FIFO");
    }

    [Fact]
    public async Task Socket_IsSkippedWithAWarning()
    {
        using var socket = HostileFiles.CreateSocket(Path.Combine(_dir, "Sock"));

        var config = await BuildAsync();

        Assert.Null(config["Sock"]);
        AssertWarned("'Sock'", "socket");
    }

    [Fact]
    public async Task LinkToDevZero_IsSkipped_AsOutsideTheMount_AndAsACharacterDeviceWhenLinksOutsideAreAllowed()
    {
        File.CreateSymbolicLink(Path.Combine(_dir, "Zero"), "/dev/zero");

        var config = await BuildAsync();
        Assert.Null(config["Zero"]);
        AssertWarned("'Zero'", "outside the mount");

        var allowed = await BuildAsync(o => o.AllowLinksOutsideMount = true);
        Assert.Equal("ok", allowed["Good"]);
        Assert.Null(allowed["Zero"]);
        AssertWarned("'Zero'", "character device");
    }

    [Fact]
    public async Task SymlinkLoops_AreSkippedWithAWarning_NotReportedAsVanished()
    {
        File.CreateSymbolicLink(Path.Combine(_dir, "Self"), "Self");
        File.CreateSymbolicLink(Path.Combine(_dir, "PingA"), "PingB");
        File.CreateSymbolicLink(Path.Combine(_dir, "PingB"), "PingA");
        Directory.CreateDirectory(Path.Combine(_dir, "Sub"));
        File.WriteAllText(Path.Combine(_dir, "Sub", "Key"), "k");
        Directory.CreateSymbolicLink(Path.Combine(_dir, "Sub", "Up"), "..");

        var config = await BuildAsync();
        var result = await config.GetSecretsManager().RefreshAsync();

        Assert.True(result.Succeeded);
        Assert.Equal("ok", config["Good"]);
        Assert.Equal("k", config["Sub:Key"]);
        AssertWarned("'Self'", "loop");
        AssertWarned("'PingA'", "loop");
        AssertWarned("'PingB'", "loop");
        AssertWarned("'Sub/Up'", "loop");
        Assert.DoesNotContain("vanished", _logs.All, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task DanglingLink_IsSkippedWithAWarning()
    {
        File.CreateSymbolicLink(Path.Combine(_dir, "Broken"), "does-not-exist");

        var config = await BuildAsync();

        Assert.Equal("ok", config["Good"]);
        AssertWarned("'Broken'", "does not exist");
    }

    [Fact]
    public async Task SkippedEntry_IsWarnedAboutOnce_NotOnEveryPoll()
    {
        HostileFiles.CreateFifo(Path.Combine(_dir, "Pipe"));
        var config = await BuildAsync();

        for (var i = 0; i < 3; i++)
        {
            await config.GetSecretsManager().RefreshAsync();
        }

        Assert.Single(_logs.Warnings, w => w.Contains("'Pipe'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MoreEntriesThanMaxFileCount_FailsNamingTheMountAndTheLimit()
    {
        for (var i = 0; i < 4; i++)
        {
            File.WriteAllText(Path.Combine(_dir, "F" + i), "x");
        }

        var ex = await Assert.ThrowsAsync<SecretsLoadException>(() => BuildAsync(o => o.MaxFileCount = 3));

        Assert.Contains($"'{_dir}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("more than 3 entries", ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(MountedFilesSourceOptions.MaxFileCount), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MoreBytesThanMaxTotalBytes_FailsNamingTheMountAndTheLimit()
    {
        for (var i = 0; i < 3; i++)
        {
            File.WriteAllText(Path.Combine(_dir, "F" + i), new string('x', 40));
        }

        var ex = await Assert.ThrowsAsync<SecretsLoadException>(() => BuildAsync(o => o.MaxTotalBytes = 100));

        Assert.Contains($"'{_dir}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("more than 100 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(MountedFilesSourceOptions.MaxTotalBytes), ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("xxxx", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LimitExceededAfterStartup_KeepsTheLastGoodValues_AndReportsTheLimit()
    {
        var config = await BuildAsync(o => o.MaxFileCount = 2);
        var manager = config.GetSecretsManager();
        File.WriteAllText(Path.Combine(_dir, "Second"), "2");
        File.WriteAllText(Path.Combine(_dir, "Third"), "3");

        var result = await manager.RefreshAsync();

        Assert.False(result.Succeeded);
        Assert.Contains(nameof(MountedFilesSourceOptions.MaxFileCount), result.Failures.Values.Single().Message, StringComparison.Ordinal);
        Assert.Equal("ok", config["Good"]);
        Assert.Null(config["Second"]);
    }

    [Fact]
    public async Task KubeletLinks_ResolveInsideTheMount_WithoutAnyWarning()
    {
        using var kubelet = new KubeletDirectory(new Dictionary<string, string> { ["Token"] = "t1", ["Db__Password"] = "p1" });

        var config = await BuildAsync(o => o.Path = kubelet.Root);

        Assert.Equal("t1", config["Token"]);
        Assert.Equal("p1", config["Db:Password"]);
        Assert.Empty(_logs.Warnings);
    }

    private void AssertWarned(string name, string reason) =>
        Assert.Contains(_logs.Warnings, w => w.Contains(name, StringComparison.Ordinal) && w.Contains(reason, StringComparison.Ordinal));

    /// <summary>Builds the configuration off the test thread with a guard, so a regression that blocks fails the test instead of hanging the run.</summary>
    private Task<IConfigurationRoot> BuildAsync(Action<MountedFilesSourceOptions>? configure = null) =>
        Task.Run(() => new ConfigurationBuilder()
            .AddSecretsManager(s =>
            {
                s.TimeProvider = _time;
                s.LoggerFactory = _logs.CreateFactory();
                s.AddMountedFiles(_dir, o =>
                {
                    o.UseFileSystemWatcher = false;
                    o.ChangeDebounce = TimeSpan.Zero;
                    o.MinimumRefreshInterval = TimeSpan.Zero;
                    o.Resilience.MaxRetryAttempts = 0;
                    configure?.Invoke(o);
                });
            })
            .Build()).WaitAsync(Waits.Guard);
}
