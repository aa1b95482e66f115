namespace Secrets.Sdk.AspNetCore;

/// <summary>Settings of the endpoint added by <c>MapSecretsStatus</c>.</summary>
public sealed class SecretsStatusOptions
{
    /// <summary>
    /// Gets or sets the key of the keyed digest that turns each secret's version into its published fingerprint.
    /// A version can be derived from the value (mounted files use a content hash), so it is never published as is.
    /// Give every instance of a fleet the same key (at least 16 bytes, from configuration, not from source) to compare
    /// fingerprints across instances. Default: <see langword="null"/>, a random key per process, so fingerprints are
    /// comparable within one process only.
    /// </summary>
    public byte[]? FingerprintKey { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether error descriptions (exception type and message, never a value) are
    /// included next to error kinds. They can name hosts and paths; turn them off on an endpoint wider audiences can
    /// reach. Default: <see langword="true"/>.
    /// </summary>
    public bool IncludeErrorMessages { get; set; } = true;

    /// <summary>Gets or sets the clock ages are measured with. Default: the application's <see cref="System.TimeProvider"/> service, else the system clock.</summary>
    public TimeProvider? TimeProvider { get; set; }
}
