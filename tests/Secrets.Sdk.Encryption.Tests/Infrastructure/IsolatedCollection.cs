namespace Secrets.Sdk.Encryption.Tests.Infrastructure;

/// <summary>Tests that measure process-wide allocation run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IsolatedCollection
{
    public const string Name = "Isolated (allocation measurements)";
}
