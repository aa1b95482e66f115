namespace Secrets.Sdk;

/// <summary>The sealed content of a last-known-good cache file: every source's secrets as they were served.</summary>
internal sealed class CachedSnapshot
{
    /// <summary>Gets or sets when the snapshot was written (authenticated: it is inside the envelope).</summary>
    public DateTimeOffset WrittenAt { get; set; }

    /// <summary>Gets or sets the sources, in registration order (the order is bound by the envelope's context).</summary>
    public List<CachedSource> Sources { get; set; } = [];
}
