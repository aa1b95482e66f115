namespace Secrets.Sdk.Http.Tests;

/// <summary>Tests in this collection measure process-wide allocations and so never run beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurement
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Memory measurement";
}
