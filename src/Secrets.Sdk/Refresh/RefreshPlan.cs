namespace Secrets.Sdk;

/// <summary>
/// What one refresh reads, decided from listed metadata and the loaded state alone (no I/O): a secret is kept when it
/// was loaded and is leased (only the lease manager replaces a dynamic credential) or its version fingerprint is
/// unchanged; every other enabled secret is read. Duplicated names count once; disabled secrets are dropped.
/// </summary>
internal sealed class RefreshPlan
{
    private RefreshPlan(HashSet<string> listed, List<SecretMetadata> toRead, List<string> kept, List<string> disabled)
    {
        Listed = listed;
        ToRead = toRead;
        Kept = kept;
        Disabled = disabled;
    }

    /// <summary>Gets the names of every enabled secret the store listed.</summary>
    public IReadOnlySet<string> Listed { get; }

    /// <summary>Gets the secrets whose values must be read.</summary>
    public IReadOnlyList<SecretMetadata> ToRead { get; }

    /// <summary>Gets the secrets whose loaded values stay as they are.</summary>
    public IReadOnlyList<string> Kept { get; }

    /// <summary>Gets the secrets skipped because the store lists them as disabled.</summary>
    public IReadOnlyList<string> Disabled { get; }

    public static RefreshPlan Create(IReadOnlyList<SecretMetadata> listed, IReadOnlyDictionary<string, LoadedSecret> loaded)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var disabled = new List<string>();
        var toRead = new List<SecretMetadata>();
        var kept = new List<string>();
        foreach (var metadata in listed)
        {
            if (!metadata.Enabled)
            {
                disabled.Add(metadata.Name);
                continue;
            }

            if (!names.Add(metadata.Name))
            {
                continue;
            }

            if (loaded.TryGetValue(metadata.Name, out var current) && IsCurrent(metadata, current))
            {
                kept.Add(metadata.Name);
            }
            else
            {
                toRead.Add(metadata);
            }
        }

        return new RefreshPlan(names, toRead, kept, disabled);
    }

    private static bool IsCurrent(SecretMetadata listed, LoadedSecret loaded) =>
        listed.Leased || (listed.Version is not null && string.Equals(listed.Version, loaded.Metadata.Version, StringComparison.Ordinal));
}
