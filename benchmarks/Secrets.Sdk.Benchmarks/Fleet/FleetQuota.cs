namespace Secrets.Sdk.Benchmarks.Fleet;

/// <summary>A vendor quota: the calls it counts together and how many of them it allows per window.</summary>
/// <param name="Name">The calls, as the table names them.</param>
/// <param name="Operations">The operations the quota counts (summed).</param>
/// <param name="Limit">Calls allowed per window.</param>
/// <param name="WindowSeconds">The window the vendor counts over (1 s, 10 s, 60 s).</param>
internal sealed record FleetQuota(string Name, string[] Operations, double Limit, int WindowSeconds)
{
    /// <summary>Gets the window as the table prints it.</summary>
    public string Per => WindowSeconds switch
    {
        1 => "s",
        60 => "min",
        _ => $"{WindowSeconds} s",
    };
}
