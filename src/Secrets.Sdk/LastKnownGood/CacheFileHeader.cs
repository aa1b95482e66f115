namespace Secrets.Sdk;

/// <summary>
/// The clear-text header in front of the envelope: what the file claims to be for, so a file meant for another
/// application or source set (or an expired one) is rejected with a precise reason before any key is used. It is not
/// trusted: the envelope's encryption context binds the same application and sources, and the sealed
/// <see cref="CachedSnapshot.WrittenAt"/> is checked again after decryption.
/// </summary>
internal sealed class CacheFileHeader
{
    /// <summary>Gets or sets the application the cache was written by.</summary>
    public string Application { get; set; } = string.Empty;

    /// <summary>Gets or sets the sources' names, in registration order.</summary>
    public List<string> Sources { get; set; } = [];

    /// <summary>Gets or sets when the file was written.</summary>
    public DateTimeOffset WrittenAt { get; set; }
}
