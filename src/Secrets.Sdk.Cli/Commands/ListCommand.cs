using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace Secrets.Sdk.Cli;

/// <summary>
/// <c>secrets list --config FILE</c>: every configuration key the declared sources produce, with its source and the
/// version of the secret behind it; values masked (<c>********</c>, length, short hash) unless <c>--reveal</c>.
/// </summary>
internal static class ListCommand
{
    /// <summary>What a masked value shows instead of its text.</summary>
    public const string Mask = "********";

    /// <summary>Creates the command.</summary>
    /// <param name="console">The console.</param>
    /// <param name="time">The clock.</param>
    /// <param name="backends">How declared sources reach their backends.</param>
    /// <returns>The command.</returns>
    public static Command Create(CliConsole console, TimeProvider time, CliBackends backends)
    {
        var config = CliOptions.Config();
        var section = CliOptions.Section();
        var reveal = new Option<bool>("--reveal") { Description = "Print the values themselves instead of masking them." };
        var timeout = ProbeOptions.Timeout();
        var command = new Command("list", "List every configuration key the declared sources produce, with its source and version; values masked unless --reveal.")
        {
            config, section, reveal, timeout,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            console, time, backends, parse.GetValue(config)!, parse.GetValue(section)!, parse.GetValue(reveal), parse.GetValue(timeout), cancellationToken));
        return command;
    }

    /// <summary>Masks a value: <c>********</c>, its length in characters and the first 8 hex digits of its SHA-256.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The masked form.</returns>
    public static string MaskValue(string value)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(value));
        return $"{Mask} len={value.Length} sha256:{Convert.ToHexString(hash.AsSpan(0, 4)).ToLowerInvariant()}";
    }

    /// <summary>Shortens long fingerprints (content hashes) to 16 characters for the table; <c>-</c> when unknown.</summary>
    private static string ShortVersion(string? version) => version switch
    {
        null or "" => "-",
        { Length: > 16 } => version[..15] + "…",
        _ => version,
    };

    private static async Task<int> RunAsync(CliConsole console, TimeProvider time, CliBackends backends, string configPath, string sectionName, bool reveal, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var file = SecretsSettingsFile.Read(configPath, sectionName);
        var probes = await ProbeOptions.LoadAllAsync(file, timeout, time, backends, cancellationToken).ConfigureAwait(false);
        try
        {
            // As in the application, a later source wins a key an earlier one also produces.
            var winner = new Dictionary<string, SourceDeclaration>(StringComparer.OrdinalIgnoreCase);
            foreach (var probe in probes)
            {
                foreach (var (key, value) in probe.Configuration.AsEnumerable().Where(e => e.Value is not null))
                {
                    winner[key] = probe.Declaration;
                }
            }

            var table = new Table().AddColumns("Key", "Source", "Version", "Value");
            var failed = 0;
            foreach (var probe in probes)
            {
                var statuses = probe.Statuses;
                foreach (var status in statuses.Where(s => !s.IsLoaded))
                {
                    failed++;
                    ErrorReport.Write(console.Error, $"source '{probe.Declaration.Label}' ({probe.Declaration.Path}) did not load: {status.LastErrorKind ?? "Unknown"}: {status.LastError ?? "still loading after --timeout"}");
                }

                // The engine says which keys each secret produced; within one source a key has one secret.
                var owners = new Dictionary<string, LoadedSecretStatus>(StringComparer.OrdinalIgnoreCase);
                foreach (var secret in statuses.SelectMany(s => s.Secrets))
                {
                    foreach (var key in secret.ConfigurationKeys)
                    {
                        owners[key] = secret;
                    }
                }

                foreach (var (key, value) in probe.Configuration.AsEnumerable().Where(e => e.Value is not null).OrderBy(e => e.Key, StringComparer.OrdinalIgnoreCase))
                {
                    var version = ShortVersion(owners.GetValueOrDefault(key)?.Version);
                    var source = winner[key] == probe.Declaration ? probe.Declaration.Label : $"{probe.Declaration.Label} (overridden by {winner[key].Label})";
                    table.AddRow(Markup.Escape(key), Markup.Escape(source), Markup.Escape(version), Markup.Escape(reveal ? value! : MaskValue(value!)));
                }
            }

            console.CreateReportConsole().Write(table);
            return failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
        }
        finally
        {
            foreach (var probe in probes)
            {
                probe.Dispose();
            }
        }
    }
}
