using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Secrets.Sdk.Benchmarks.Files;

/// <summary>
/// Idle CPU of a real mounted-files source: 10,000 kubelet files, default options (watcher on, 10 s polling), the
/// process's own CPU time over one minute with nothing changing, as a percentage of one core. A cross-check of
/// <see cref="MountedFilesPollBenchmarks"/> that includes timers, the watcher, the engine and the GC.
/// </summary>
internal static class MountedFilesIdleCpu
{
    public static async Task RunAsync(TextWriter output)
    {
        const int fileCount = 10_000;
        var measured = TimeSpan.FromSeconds(60);
        using var mount = new KubeletMount(fileCount);
        var config = new ConfigurationBuilder().AddSecretsManager(s => s.AddMountedFiles(mount.Root)).Build();
        try
        {
            if (config["Secret09999"] is null)
            {
                throw new InvalidOperationException("The mount did not load.");
            }

            await Task.Delay(TimeSpan.FromSeconds(12)); // One poll first (JIT, first "racy" re-listing), not measured.
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var before = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await Task.Delay(measured);
            process.Refresh();
            var cpu = process.TotalProcessorTime - before;
            var percent = cpu.TotalMilliseconds / clock.Elapsed.TotalMilliseconds * 100;
            await output.WriteLineAsync($"mounted files idle: {fileCount} files, polling every 10 s, watcher on: {cpu.TotalMilliseconds:F0} ms CPU in {clock.Elapsed.TotalSeconds:F0} s = {percent:F2}% of one core");
        }
        finally
        {
            ((IDisposable)config).Dispose();
        }
    }
}
