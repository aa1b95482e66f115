namespace Secrets.Sdk.Testing.Emulators;

/// <summary>How a throttled (HTTP 429) answer of the emulator says when to come back.</summary>
public enum RetryAfterHint
{
    /// <summary>No hint at all.</summary>
    None,

    /// <summary><c>Retry-After</c> in whole seconds (what Key Vault sends).</summary>
    Seconds,

    /// <summary><c>x-ms-retry-after-ms</c> in milliseconds (the Azure variant).</summary>
    Milliseconds,
}
