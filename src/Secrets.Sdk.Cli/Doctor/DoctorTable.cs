using System.Globalization;
using Spectre.Console;

namespace Secrets.Sdk.Cli;

/// <summary>Renders a <see cref="DoctorReport"/> as a terminal table, then the problems of each source and its secrets.</summary>
internal static class DoctorTable
{
    /// <summary>Writes the report.</summary>
    /// <param name="console">The console.</param>
    /// <param name="report">The report.</param>
    public static void Write(IAnsiConsole console, DoctorReport report)
    {
        var table = new Table()
            .AddColumns("Source", "Type", "Usable", "Reachable", "Auth", "List", "Read", "Latency", "Clock skew", "Lease TTL", $"Quota ({report.Instances.ToString(CultureInfo.InvariantCulture)} inst.)");
        foreach (var source in report.Sources)
        {
            table.AddRow(
                Markup.Escape(source.Source),
                Markup.Escape(source.Type),
                source.Usable ? "[green]yes[/]" : "[red]NO[/]",
                YesNo(source.Reachable),
                YesNo(source.Authenticated),
                YesNo(source.CanList),
                $"{source.Secrets.Count(s => s.Readable)}/{source.Secrets.Count}",
                source.LatencyMilliseconds is { } ms ? Invariant($"{ms:0.#} ms") : "-",
                source.ClockSkewSeconds is { } skew ? Invariant($"{skew:+0;-0;0} s") : "-",
                source.Secrets.Where(s => s.LeaseTtlSeconds is not null).Select(s => s.LeaseTtlSeconds!.Value).DefaultIfEmpty(double.NaN).Min() is var ttl && !double.IsNaN(ttl) ? Invariant($"{ttl:0} s") : "-",
                Quota(source));
        }

        console.Write(table);
        foreach (var source in report.Sources)
        {
            foreach (var problem in source.Problems)
            {
                console.MarkupLine($"[yellow]{Markup.Escape(source.Source)}[/]: {Markup.Escape(problem)}");
            }
        }

        console.MarkupLine(report.Usable ? "[green]Every source is usable.[/]" : "[red]Not every source is usable.[/]");
    }

    private static string Quota(DoctorSource source)
    {
        var worst = source.Quotas.Where(q => q.QuotaUse is not null).MaxBy(q => q.QuotaUse);
        if (worst is not null)
        {
            return Invariant($"{worst.QuotaUse:P1} {worst.Operation}");
        }

        var total = source.Quotas.Sum(q => q.FleetRequestsPerSecond);
        return source.Quotas.Count > 0 ? Invariant($"{total:0.##} req/s") : "-";
    }

    private static string YesNo(bool? value) => value switch
    {
        true => "yes",
        false => "[red]no[/]",
        null => "-",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
