using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Secrets.Sdk.Benchmarks.Config;

/// <summary>
/// A short job so a full run stays well under 15 minutes on 2 cores: in-process (no per-benchmark project build),
/// 1 warm-up and 5 measured iterations, memory diagnoser, ratio columns against each class's baseline.
/// </summary>
internal static class BenchmarkConfig
{
    public static IConfig Create() =>
        ManualConfig.CreateEmpty()
            .AddJob(Job.ShortRun
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithWarmupCount(1)
                .WithIterationCount(5)
                .WithLaunchCount(1)
                .WithId("Short"))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(BaselineRatioColumn.RatioMean)
            .AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default)
            .AddExporter(BenchmarkDotNet.Exporters.MarkdownExporter.GitHub)
            .WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Value))
            .WithOptions(ConfigOptions.DisableLogFile);
}
