namespace Secrets.Sdk;

/// <summary>One secret in a last-known-good cache file: its configuration entries, and when its lease expires (dynamic secrets).</summary>
internal sealed class CachedSecret
{
    /// <summary>Gets or sets the secret's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets when the secret's lease expires; <see langword="null"/> for a static secret. An expired one is never served.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; set; }

    /// <summary>Gets or sets the configuration entries the secret produced.</summary>
    public Dictionary<string, string?> Entries { get; set; } = [];
}
