using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Files.Tests;

public sealed class MountedFilesHostTests
{
    [Fact]
    public async Task Host_EachKubeletSwap_GivesExactlyOneOptionsMonitorChange_NoChangeGivesNone()
    {
        var time = new ManualTimeProvider();
        using var kubelet = new KubeletDirectory(new Dictionary<string, string> { ["Database__Username"] = "app", ["Database__Password"] = "p1" });
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddSecretsManager(s =>
        {
            s.TimeProvider = time;
            s.AddMountedFiles(kubelet.Root, o =>
            {
                o.UseFileSystemWatcher = false;
                o.ChangeDebounce = TimeSpan.Zero;
            });
        });
        builder.Services.Configure<Db>(builder.Configuration.GetSection("Database"));
        using var host = builder.Build();
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<Db>>();
        var seen = new List<string?>();
        using var subscription = monitor.OnChange(o => { lock (seen) { seen.Add(o.Password); } });

        for (var i = 2; i <= 4; i++)
        {
            var password = "p" + i;
            kubelet.Swap(new Dictionary<string, string> { ["Database__Username"] = "app", ["Database__Password"] = password });
            time.Advance(TimeSpan.FromSeconds(10));
            await Waits.UntilAsync(() => monitor.CurrentValue.Password == password, "swap " + i);
            time.Advance(TimeSpan.FromSeconds(10)); // a poll with nothing new
            await host.Services.GetRequiredService<ISecretsManager>().RefreshAsync();
        }

        lock (seen)
        {
            Assert.Equal(["p2", "p3", "p4"], seen);
        }

        await host.StopAsync();
    }

    public sealed class Db
    {
        public string? Username { get; set; }

        public string? Password { get; set; }
    }
}
