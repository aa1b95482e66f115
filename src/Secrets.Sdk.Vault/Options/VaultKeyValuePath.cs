namespace Secrets.Sdk.Vault;

/// <summary>A KV path to load: one secret, or a folder listed recursively.</summary>
/// <param name="Mount">The KV mount (for example <c>secret</c>).</param>
/// <param name="Path">The secret or folder path within the mount (empty for the whole mount).</param>
public sealed record VaultKeyValuePath(string Mount, string Path)
{
    /// <summary>Gets the KV version (1 or 2); <see langword="null"/> detects it with <c>sys/internal/ui/mounts</c>, falling back to 2.</summary>
    public int? Version { get; init; }

    /// <summary>
    /// Gets a value indicating whether to read only <see cref="Path"/> and <see cref="Secrets"/> and never LIST
    /// (for tokens without the list capability).
    /// </summary>
    public bool NeverList { get; init; }

    /// <summary>Gets the secret paths (relative to <see cref="Path"/>) to read in never-list mode; when empty, <see cref="Path"/> itself is the one secret.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];
}
