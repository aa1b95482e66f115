using System.CommandLine;
using System.Text.Json;

namespace Secrets.Sdk.Cli;

/// <summary>
/// <c>secrets doctor --config FILE</c>: loads every declared source as the application would and reports, per source,
/// whether it is reachable and authenticated, which secrets it can list and read, latency, clock skew, lease TTLs and the
/// quota a fleet of <c>--instances</c> would use; exit code 0 only when every source is usable.
/// </summary>
internal static class DoctorCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="console">The console.</param>
    /// <param name="time">The clock.</param>
    /// <param name="backends">How declared sources reach their backends.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliConsole console, TimeProvider time, CliBackends backends)
    {
        var config = CliOptions.Config();
        var section = CliOptions.Section();
        var instances = new Option<int>("--instances")
        {
            Description = "The number of instances that will poll with this configuration, for the quota estimate.",
            DefaultValueFactory = _ => 1,
            HelpName = "N",
        };
        var json = new Option<bool>("--json") { Description = "Write the report as JSON instead of a table." };
        var timeout = ProbeOptions.Timeout();
        var command = new Command("doctor", "Check every declared source: reachable, authenticated, list/read permissions, latency, clock skew, lease TTLs, quota use of a fleet. Exit code 0 only when all are usable.")
        {
            config, section, instances, json, timeout,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            console, time, backends, parse.GetValue(config)!, parse.GetValue(section)!, parse.GetValue(instances), parse.GetValue(json), parse.GetValue(timeout), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, TimeProvider time, CliBackends backends, string configPath, string sectionName, int instances, bool json, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (instances < 1)
        {
            throw new CliException("--instances must be at least 1", ExitCodes.Usage);
        }

        var file = SecretsSettingsFile.Read(configPath, sectionName);
        var probes = await ProbeOptions.LoadAllAsync(file, timeout, time, backends, cancellationToken).ConfigureAwait(false);
        DoctorReport report;
        try
        {
            var sources = await Task.WhenAll(probes.Select(p => DoctorDiagnosis.DiagnoseAsync(p, instances, time, cancellationToken))).ConfigureAwait(false);
            report = new DoctorReport { Config = configPath, Instances = instances, Usable = sources.All(s => s.Usable), Sources = sources };
        }
        finally
        {
            foreach (var probe in probes)
            {
                probe.Dispose();
            }
        }

        if (json)
        {
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(report, DoctorJsonContext.Default.DoctorReport)).ConfigureAwait(false);
        }
        else
        {
            DoctorTable.Write(console.CreateReportConsole(), report);
        }

        // The report is on standard output; each unusable source is also one error line (problems name secrets, never values).
        foreach (var source in report.Sources.Where(s => !s.Usable))
        {
            var why = source.Problems.Count > 0 ? string.Join("; ", source.Problems) : "see the report";
            ErrorReport.Write(console.Error, $"source '{source.Source}' ({source.Path}) is not usable: {why}");
        }

        return report.Usable ? ExitCodes.Success : ExitCodes.Failure;
    }
}
