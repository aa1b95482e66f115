namespace Secrets.Sdk;

/// <summary>One source's secrets in a last-known-good cache file.</summary>
internal sealed class CachedSource
{
    /// <summary>Gets or sets the source's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the secrets the source served.</summary>
    public List<CachedSecret> Secrets { get; set; } = [];
}
