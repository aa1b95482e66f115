namespace Secrets.Sdk.Files;

/// <summary>What one read learned about directories and links, handed to the next read so an idle poll only stats files.</summary>
/// <param name="Listings">Directory listings by canonical path (only directories unchanged for a while).</param>
/// <param name="Links">Link targets by path (only links unchanged for a while).</param>
internal sealed record ResolutionMemory(IReadOnlyDictionary<string, DirectoryListing> Listings, IReadOnlyDictionary<string, KnownLink> Links)
{
    public static ResolutionMemory Empty { get; } = new(new Dictionary<string, DirectoryListing>(), new Dictionary<string, KnownLink>());
}
