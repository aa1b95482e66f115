using Amazon.Runtime;
using Secrets.Sdk.Http;

namespace Secrets.Sdk.Aws;

/// <summary>Options of the AWS Secrets Manager source added by <c>AddAwsSecretsManager</c>.</summary>
public sealed class AwsSecretsManagerSourceOptions : SecretSourceOptions
{
    /// <summary>Creates the options with AWS's convention: the name prefix is stripped and <c>/</c> becomes <c>:</c>.</summary>
    public AwsSecretsManagerSourceOptions()
    {
        KeyMapper = new SecretKeyMapper("/");
    }

    /// <summary>Gets or sets the region. Default: <c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>, then the SDK's region chain.</summary>
    public string? Region { get; set; }

    /// <summary>Gets or sets a name prefix: secrets whose name starts with it are discovered with ListSecrets and the prefix is stripped from their keys.</summary>
    public string? NamePrefix { get; set; }

    /// <summary>Gets tag filters for discovery: a tag key, optionally with a required value.</summary>
    public IDictionary<string, string?> TagFilters { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets how often discovery (<see cref="NamePrefix"/>, <see cref="TagFilters"/>) lists the account again to find
    /// added or removed secrets. <c>ListSecrets</c> has a quota of 100 requests per second per account and region, against
    /// 40,000 for <c>DescribeSecret</c>, so between discoveries every refresh checks the discovered secrets' versions with
    /// one <c>DescribeSecret</c> each instead of listing. The first discovery after startup is spread uniformly over the
    /// whole interval. Default: 15 minutes.
    /// </summary>
    /// <remarks>Quotas: https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html.</remarks>
    public TimeSpan DiscoveryInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Gets or sets the relative jitter of <see cref="DiscoveryInterval"/> (0.5: each next discovery 7.5 to 22.5 minutes
    /// after the last at the default interval), so a fleet does not list in step. 0 makes discovery exact, the first one
    /// included. Default: 0.5.
    /// </summary>
    public double DiscoveryJitter { get; set; } = 0.5;

    /// <summary>Gets the explicitly named secrets.</summary>
    public IList<AwsSecretReference> Secrets { get; } = [];

    /// <summary>Gets or sets explicit credentials. Default: AWSSDK.Core's chain (environment, profile, web identity/IRSA, ECS, EC2).</summary>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>
    /// Gets or sets the endpoint (VPC endpoints, tests). Default: <c>AWS_ENDPOINT_URL_SECRETS_MANAGER</c>, then
    /// <c>AWS_ENDPOINT_URL</c>, then <c>https://secretsmanager.{region}.amazonaws.com</c>.
    /// </summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>
    /// Gets the HTTP connection settings, limits (response and secret size, ListSecrets pages) and hooks (own handler,
    /// a client from <c>IHttpClientFactory</c> through <see cref="BackendHttpOptions.CreateClient"/>, proxy, CA bundle). Plain HTTP is accepted only to a loopback
    /// <see cref="ServiceUrl"/> unless <see cref="BackendHttpOptions.AllowInsecureHttp"/> is set. Its
    /// <c>MaxSecretBytes</c> follows this source's <see cref="SecretSourceOptions.MaxSecretBytes"/>.
    /// </summary>
    public BackendHttpOptions Http { get; } = new();

    /// <summary>Adds an explicitly named secret (no List permission needed).</summary>
    /// <param name="secretId">The name or ARN.</param>
    /// <param name="section">The configuration section for its fields.</param>
    /// <param name="versionStage">The stage to read (<c>AWSCURRENT</c>, <c>AWSPREVIOUS</c>, <c>AWSPENDING</c>).</param>
    /// <param name="versionId">A version id to pin instead of a stage.</param>
    /// <param name="optional">Whether its failure may be ignored.</param>
    /// <returns>These options.</returns>
    public AwsSecretsManagerSourceOptions AddSecret(string secretId, string? section = null, string versionStage = "AWSCURRENT", string? versionId = null, bool optional = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(secretId);
        Secrets.Add(new AwsSecretReference(secretId) { Section = section, VersionStage = versionStage, VersionId = versionId, Optional = optional });
        return this;
    }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Http.Validate();
        if (DiscoveryInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(DiscoveryInterval)} must be positive; it was {DiscoveryInterval}.", nameof(DiscoveryInterval));
        }

        if (DiscoveryJitter is < 0 or >= 1 || double.IsNaN(DiscoveryJitter))
        {
            throw new ArgumentException($"{nameof(DiscoveryJitter)} must be in [0, 1); it was {DiscoveryJitter}.", nameof(DiscoveryJitter));
        }

        if (NamePrefix is null && TagFilters.Count == 0 && Secrets.Count == 0)
        {
            throw new ArgumentException($"Set {nameof(NamePrefix)} or {nameof(TagFilters)} for discovery, or add secrets with {nameof(AddSecret)}.", nameof(Secrets));
        }
    }

    internal bool Discovers => NamePrefix is not null || TagFilters.Count > 0;
}
