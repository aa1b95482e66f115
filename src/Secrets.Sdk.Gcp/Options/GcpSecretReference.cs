namespace Secrets.Sdk.Gcp;

/// <summary>An explicitly named Secret Manager secret: read with <c>versions/{version}:access</c>, so no list permission is needed.</summary>
/// <param name="SecretId">The secret id (the last segment of <c>projects/*/secrets/{id}</c>).</param>
public sealed record GcpSecretReference(string SecretId)
{
    /// <summary>Gets the version to read: <c>latest</c>, a version number, or a version alias. Default: <c>latest</c>.</summary>
    public string Version { get; init; } = GcpSecretManagerSourceOptions.LatestVersion;

    /// <summary>Gets the configuration section for its value (default: its id with <c>__</c> as <c>:</c>).</summary>
    public string? Section { get; init; }

    /// <summary>Gets a value indicating whether a failure to read it may be ignored.</summary>
    public bool Optional { get; init; }

    /// <summary>Gets a value indicating whether <see cref="Version"/> is a version number, whose content never changes.</summary>
    public bool IsPinned => Version.Length > 0 && Version.All(char.IsAsciiDigit);
}
