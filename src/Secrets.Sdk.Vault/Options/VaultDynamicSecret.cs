namespace Secrets.Sdk.Vault;

/// <summary>A dynamic secret endpoint (for example <c>database/creds/orders-rw</c>) whose lease the engine renews and rotates.</summary>
/// <param name="Path">The endpoint path.</param>
/// <param name="Section">The configuration section its fields go under (default: the path with <c>/</c> as <c>:</c>).</param>
public sealed record VaultDynamicSecret(string Path, string? Section);
