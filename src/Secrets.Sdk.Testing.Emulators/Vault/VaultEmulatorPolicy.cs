namespace Secrets.Sdk.Testing.Emulators;

/// <summary>A path rule of an emulated Vault policy: a path prefix and the capabilities granted under it.</summary>
/// <param name="PathPrefix">The API path prefix after <c>/v1/</c> (for example <c>secret/data/orders/</c>).</param>
/// <param name="Capabilities">Granted capabilities: <c>read</c>, <c>list</c>, <c>create</c>, <c>update</c>, <c>delete</c>.</param>
public sealed record VaultEmulatorPolicy(string PathPrefix, params string[] Capabilities)
{
    /// <summary>Read and list under a prefix.</summary>
    /// <param name="prefix">The path prefix.</param>
    /// <returns>The rule.</returns>
    public static VaultEmulatorPolicy ReadList(string prefix) => new(prefix, "read", "list");

    /// <summary>Read only (no list) under a prefix.</summary>
    /// <param name="prefix">The path prefix.</param>
    /// <returns>The rule.</returns>
    public static VaultEmulatorPolicy ReadOnly(string prefix) => new(prefix, "read");

    /// <summary>Everything under a prefix.</summary>
    /// <param name="prefix">The path prefix.</param>
    /// <returns>The rule.</returns>
    public static VaultEmulatorPolicy All(string prefix) => new(prefix, "read", "list", "create", "update", "delete");
}
