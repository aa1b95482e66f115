namespace Secrets.Sdk.Aws;

/// <summary>An explicitly named secret: read with DescribeSecret and GetSecretValue, so no List permission is needed.</summary>
/// <param name="SecretId">The secret's name or ARN.</param>
public sealed record AwsSecretReference(string SecretId)
{
    /// <summary>Gets the configuration section for its fields (default: its name with <c>/</c> as <c>:</c>).</summary>
    public string? Section { get; init; }

    /// <summary>Gets the version stage to read. Default: <c>AWSCURRENT</c>.</summary>
    public string VersionStage { get; init; } = "AWSCURRENT";

    /// <summary>Gets a version id to pin (overrides <see cref="VersionStage"/>).</summary>
    public string? VersionId { get; init; }

    /// <summary>Gets a value indicating whether a failure to read it may be ignored.</summary>
    public bool Optional { get; init; }
}
