namespace Secrets.Sdk.Cli;

/// <summary>The <c>doctor</c> report: one entry per declared source (the <c>--json</c> shape, docs/cli.md).</summary>
internal sealed class DoctorReport
{
    /// <summary>Gets or sets the configuration file.</summary>
    public required string Config { get; init; }

    /// <summary>Gets or sets the fleet size the quota estimate is for.</summary>
    public required int Instances { get; init; }

    /// <summary>Gets or sets a value indicating whether every source is usable.</summary>
    public required bool Usable { get; init; }

    /// <summary>Gets or sets the sources.</summary>
    public required IReadOnlyList<DoctorSource> Sources { get; init; }
}
