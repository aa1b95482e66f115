namespace Secrets.Sdk.Chaos.Tests.Harness;

/// <summary>
/// Chaos runs go one at a time and alone: they count process-wide things (unobserved task exceptions, heap, timers,
/// file descriptors) that a test running beside them would disturb.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChaosCollection
{
    public const string Name = "Chaos";
}
