using System.Globalization;
using System.Runtime.InteropServices;
using Secrets.Sdk.Soak;

namespace Secrets.Sdk.Benchmarks.Soak;

/// <summary>
/// <c>soak [files|vault|aws|azure|gcp ...] [--cycles N]</c>: each backend through a real host for N refresh cycles
/// (default 100,000) in simulated time against its in-process emulator, one after the other; prints the figures and
/// the growth checks as Markdown tables, and returns 1 when a check fails.
/// </summary>
internal static class SoakCommand
{
    private static readonly Dictionary<string, Func<ISoakBackend>> Backends = new(StringComparer.OrdinalIgnoreCase)
    {
        ["files"] = () => new FilesSoakBackend(),
        ["vault"] = () => new VaultSoakBackend(),
        ["aws"] = () => new AwsSoakBackend(),
        ["azure"] = () => new AzureSoakBackend(),
        ["gcp"] = () => new GcpSoakBackend(),
    };

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output)
    {
        var settings = new SoakSettings();
        var names = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--cycles" && i + 1 < args.Count)
            {
                settings = settings with { Cycles = int.Parse(args[++i], CultureInfo.InvariantCulture) };
            }
            else if (Backends.ContainsKey(args[i]))
            {
                names.Add(args[i]);
            }
            else
            {
                await output.WriteLineAsync($"Unknown soak argument '{args[i]}'; expected {string.Join(", ", Backends.Keys)} or --cycles N.");
                return 2;
            }
        }

        if (names.Count == 0)
        {
            names.AddRange(Backends.Keys);
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"soak: {settings.Cycles:N0} cycles per backend, refresh every {settings.RefreshInterval} (jitter 0), rotation every {settings.RotateEvery} cycles; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}, load average {LoadAverage()}"));
        var results = new List<SoakResult>();
        foreach (var name in names)
        {
            var result = await SoakRun.RunAsync(Backends[name](), settings, line => Console.Error.WriteLine(line));
            results.Add(result);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{result.Backend}: {(result.Passed ? "PASS" : "FAIL")} in {result.Wall.TotalSeconds:F1} s; {result.Rotations} rotations of Soak:Rotating; reloads {result.Reloads}, IOptionsMonitor changes {result.OptionChanges}, passes that found a change {result.ChangedPasses}, lease events {result.LeaseEvents}; load average {LoadAverage()}"));
            foreach (var missed in result.MissedRotations.Concat(result.FirstWarnings))
            {
                await output.WriteLineAsync("  " + missed);
            }
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync(SoakResult.FiguresHeader);
        foreach (var result in results)
        {
            await output.WriteLineAsync(result.FiguresRow());
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync(SoakResult.ChecksHeader);
        foreach (var row in results.SelectMany(r => r.CheckRows()))
        {
            await output.WriteLineAsync(row);
        }

        return results.All(r => r.Passed) ? 0 : 1;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
