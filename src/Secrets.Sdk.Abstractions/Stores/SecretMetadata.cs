namespace Secrets.Sdk;

/// <summary>
/// What a store knows about a secret without reading its value: cheap to list, and enough to
/// decide whether the value changed since the last read.
/// </summary>
public sealed record SecretMetadata
{
    /// <summary>Creates metadata for the secret named <paramref name="name"/>.</summary>
    /// <param name="name">The secret's name within its store (path, name or id).</param>
    public SecretMetadata(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>Gets the secret's name within its store (a path for Vault, a name for AWS, a file for mounts).</summary>
    public string Name { get; }

    /// <summary>
    /// Gets the version fingerprint: any string that changes whenever the value changes (a version id,
    /// a version number, a content hash). <see langword="null"/> means the store cannot tell, so the
    /// engine must read the value to compare it.
    /// </summary>
    public string? Version { get; init; }

    /// <summary>Gets the version stage or label to read, when the store has stages (for example <c>AWSCURRENT</c>).</summary>
    public string? VersionStage { get; init; }

    /// <summary>Gets when the secret last changed, when the store knows.</summary>
    public DateTimeOffset? UpdatedOn { get; init; }

    /// <summary>Gets a value indicating whether the secret is enabled; a disabled secret is skipped, not an error.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Gets when the secret expires, when the store knows.</summary>
    public DateTimeOffset? ExpiresOn { get; init; }

    /// <summary>Gets the content type, when the store knows (for example <c>application/json</c>).</summary>
    public string? ContentType { get; init; }

    /// <summary>
    /// Gets the configuration key the store gives this secret, when it is not derived from <see cref="Name"/>: an
    /// explicitly mapped secret's section, or its path below a listed prefix, in configuration form (<c>:</c> delimited).
    /// <see langword="null"/> lets the source's key mapper derive the key from the name.
    /// </summary>
    public string? ConfigurationKey { get; init; }

    /// <summary>
    /// Gets data the store attached for its own later reads (a vendor id, the version it asked for); the engine carries
    /// it unchanged and never looks inside.
    /// </summary>
    public object? StoreData { get; init; }

    /// <summary>Gets the secret's tags or labels, as the backend holds them.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = EmptyTags;

    /// <summary>
    /// Gets a value indicating whether a failure to read this secret may be ignored (logged and reported)
    /// even when its source is required.
    /// </summary>
    public bool Optional { get; init; }

    /// <summary>
    /// Gets a value indicating whether the value carries a lease (a dynamic credential). The engine never
    /// re-reads a leased secret on a poll; its lease manager renews it and rotates it before expiry.
    /// </summary>
    public bool Leased { get; init; }

    private static readonly IReadOnlyDictionary<string, string> EmptyTags =
        new Dictionary<string, string>(StringComparer.Ordinal);
}
