using System.CommandLine;

namespace Secrets.Sdk.Cli;

/// <summary>The options <c>list</c> and <c>doctor</c> share, and loading every declared source with them.</summary>
internal static class ProbeOptions
{
    /// <summary>Creates <c>--timeout</c>.</summary>
    /// <returns>The option.</returns>
    public static Option<TimeSpan> Timeout() => new("--timeout")
    {
        Description = "How long each source's first load may take (e.g. 00:00:30).",
        DefaultValueFactory = _ => TimeSpan.FromSeconds(30),
        HelpName = "HH:MM:SS",
    };

    /// <summary>Loads every declared source of <paramref name="file"/> in parallel, each on its own.</summary>
    /// <param name="file">The settings file.</param>
    /// <param name="timeout">The per-source load timeout.</param>
    /// <param name="time">The clock.</param>
    /// <param name="backends">How the sources reach their backends.</param>
    /// <param name="cancellationToken">Cancels the waits.</param>
    /// <returns>The probes, in declaration order; the caller disposes them.</returns>
    public static async Task<SourceProbe[]> LoadAllAsync(SecretsSettingsFile file, TimeSpan timeout, TimeProvider time, CliBackends backends, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero)
        {
            throw new CliException("--timeout must be positive", ExitCodes.Usage);
        }

        var loads = file.Sources.Select(s => SourceProbe.LoadAsync(file, s, timeout, time, backends, cancellationToken)).ToArray();
        try
        {
            return await Task.WhenAll(loads).ConfigureAwait(false);
        }
        catch
        {
            foreach (var load in loads.Where(l => l.IsCompletedSuccessfully))
            {
                load.Result.Dispose();
            }

            throw;
        }
    }
}
