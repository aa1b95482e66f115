namespace Secrets.Sdk;

/// <summary>What a source has committed: each loaded secret and the entries they make. Replaced whole, never mutated.</summary>
/// <param name="Secrets">The loaded secrets by name.</param>
/// <param name="Entries">The configuration entries of those secrets.</param>
internal sealed record SourceState(IReadOnlyDictionary<string, LoadedSecret> Secrets, SecretSnapshot Entries)
{
    public static readonly SourceState Empty = new(new Dictionary<string, LoadedSecret>(StringComparer.Ordinal), SecretSnapshot.Empty);
}
