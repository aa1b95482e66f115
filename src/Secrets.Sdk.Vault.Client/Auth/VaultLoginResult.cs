namespace Secrets.Sdk.Vault;

/// <summary>A token obtained by logging in; the TTL is unknown for a plain token until <c>lookup-self</c>.</summary>
internal sealed record VaultLoginResult(string Token, string? Accessor, TimeSpan? Ttl, bool Renewable);
