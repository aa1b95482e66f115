using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace Secrets.Sdk.Tests.LastKnownGood;

public sealed class CacheWriteTests
{
    [Fact]
    public async Task SuccessfulLoad_WritesSealedCache_WithoutValuesInClear_ThatAnOutageStartsFrom()
    {
        using var scenario = new CacheScenario();
        var store = CacheScenario.Store("orders-db", scenario.Time);
        store.Set("Db/Password", "lkg-sentinel-7f3a");
        using (var config = (IDisposable)scenario.Build(null, store))
        {
            await scenario.WaitForWritesAsync(1);
        }

        var bytes = await File.ReadAllBytesAsync(scenario.CachePath);
        Assert.StartsWith("SDKLKG1\n", Encoding.ASCII.GetString(bytes, 0, 8), StringComparison.Ordinal);
        Assert.DoesNotContain("lkg-sentinel-7f3a", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.DoesNotContain("Db:Password", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);

        store.FailEverything();
        var restarted = scenario.Build(null, store);
        Assert.Equal("lkg-sentinel-7f3a", restarted["Db:Password"]);
        ((IDisposable)restarted).Dispose();
    }

    [Fact]
    public async Task Refresh_ReplacesTheFileAtomically_OldReadersKeepTheOldFile_NoTemporaryFileLeft()
    {
        using var scenario = new CacheScenario();
        var store = CacheScenario.Store("orders", scenario.Time);
        store.Set("A", "1");
        var config = scenario.Build(null, store);
        await scenario.WaitForWritesAsync(1);
        var before = await File.ReadAllBytesAsync(scenario.CachePath);

        // A reader that opened the old file keeps reading the whole old file: the new one was renamed over it, not written into it.
        using var oldReader = new FileStream(scenario.CachePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        store.Set("A", "2");
        await config.GetSecretsManager().RefreshAsync();
        await scenario.WaitForWritesAsync(2);

        var after = await File.ReadAllBytesAsync(scenario.CachePath);
        Assert.NotEqual(before, after);
        var old = new byte[before.Length + 1];
        var read = 0;
        int n;
        while ((n = await oldReader.ReadAsync(old.AsMemory(read))) > 0)
        {
            read += n;
        }

        Assert.Equal(before, old[..read]);
        Assert.Equal(["secrets.lkg"], Directory.GetFiles(scenario.Folder).Select(Path.GetFileName));
        ((IDisposable)config).Dispose();
    }

    [Fact]
    public async Task CacheFile_IsReadableByItsOwnerOnly()
    {
        Assert.True(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "This suite runs on Unix, where the cache's mode is 0600.");
        using var scenario = new CacheScenario();
        var store = CacheScenario.Store("orders", scenario.Time);
        store.Set("A", "1");
        var config = scenario.Build(null, store);
        await scenario.WaitForWritesAsync(1);

#pragma warning disable CA1416 // Asserted above: Unix only.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(scenario.CachePath));
#pragma warning restore CA1416
        ((IDisposable)config).Dispose();
    }

    [Fact]
    public async Task EverySuccessfulRefresh_RewritesTheCache_EvenWhenNothingChanged()
    {
        using var scenario = new CacheScenario();
        var store = CacheScenario.Store("orders", scenario.Time);
        store.Set("A", "1");
        var config = scenario.Build(null, store);
        await scenario.WaitForWritesAsync(1);

        // The cache's age is how long ago the values were last confirmed, so an unchanged refresh still renews it.
        scenario.Time.Advance(TimeSpan.FromMinutes(1));
        await config.GetSecretsManager().RefreshAsync();
        await scenario.WaitForWritesAsync(2);
        ((IDisposable)config).Dispose();
    }

    [Fact]
    public async Task FailingWrite_IsLogged_AndNeverFailsLoadOrRefresh()
    {
        using var scenario = new CacheScenario();
        var store = CacheScenario.Store("orders", scenario.Time);
        store.Set("A", "write-sentinel-1");
        await File.WriteAllTextAsync(Path.Combine(scenario.Folder, "not-a-directory"), "x");
        var config = new ConfigurationBuilder()
            .AddSecretsManager(s =>
            {
                scenario.Configure(s);
                s.UseLastKnownGoodCache(Path.Combine(scenario.Folder, "not-a-directory", "secrets.lkg"), c =>
                {
                    c.KeyEncryptionKey = scenario.Kek;
                    c.ApplicationName = CacheScenario.Application;
                });
                s.AddStore(store, Infrastructure.TestConfig.Options());
            })
            .Build();
        var reloads = 0;
        ChangeToken.OnChange(config.GetReloadToken, () => Interlocked.Increment(ref reloads));
        await Waits.UntilAsync(() => scenario.Logs.Messages.Any(m => m.StartsWith("Writing the last-known-good cache", StringComparison.Ordinal)), "the failed write's log line");

        store.Set("A", "write-sentinel-2");
        var result = await config.GetSecretsManager().RefreshAsync();

        Assert.True(result.Succeeded);
        Assert.Equal("write-sentinel-2", config["A"]);
        Assert.Equal(1, Volatile.Read(ref reloads));
        Assert.DoesNotContain(scenario.Logs.Messages, m => m.Contains("write-sentinel", StringComparison.Ordinal));
        ((IDisposable)config).Dispose();
    }

    [Fact]
    public async Task HealthyStartup_NeverReadsACorruptCache_AndReplacesIt()
    {
        using var scenario = new CacheScenario();
        await File.WriteAllBytesAsync(scenario.CachePath, Encoding.ASCII.GetBytes("SDKLKG1\ngarbage that is not a cache"));
        var store = CacheScenario.Store("orders", scenario.Time);
        store.Set("A", "live");

        var config = scenario.Build(null, store);
        Assert.Equal("live", config["A"]);
        await scenario.WaitForWritesAsync(1);

        Assert.Empty(scenario.Rejections); // The corrupt file was never even parsed.
        ((IDisposable)config).Dispose();
        store.FailEverything();
        using var restarted = (IDisposable)scenario.Build(null, store);
        Assert.Equal("live", ((IConfiguration)restarted)["A"]);
    }
}
