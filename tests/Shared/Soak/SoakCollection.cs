namespace Secrets.Sdk.Soak;

/// <summary>
/// Soak tests measure process-wide figures (heap, timers, handles, threads, unobserved task exceptions), so they run
/// alone, after the tests that run in parallel.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoakCollection
{
    public const string Name = "Soak";
}
