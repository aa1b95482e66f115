using Amazon.Runtime;
using Secrets.Sdk.Aws;
using Secrets.Sdk.Http;

namespace Secrets.Sdk;

/// <summary>Adds AWS Secrets Manager to Secrets.Sdk.</summary>
public static class AwsSecretsManagerBuilderExtensions
{
    /// <summary>
    /// Adds secrets from AWS Secrets Manager: discovered by name prefix or tags (prefix stripped, <c>/</c> as <c>:</c>) and/or
    /// named explicitly (no List permission needed). Credentials and region come from AWSSDK.Core's chains unless set.
    /// </summary>
    /// <param name="builder">The secrets builder.</param>
    /// <param name="configure">Sets the prefix, secrets, region and endpoint.</param>
    /// <returns>The builder.</returns>
    public static SecretsManagerBuilder AddAwsSecretsManager(this SecretsManagerBuilder builder, Action<AwsSecretsManagerSourceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new AwsSecretsManagerSourceOptions();
        configure(options);
        options.Http.MaxSecretBytes = options.MaxSecretBytes; // One knob: the source's value limit is the transport's.
        options.Validate();

        var region = options.Region
            ?? Environment.GetEnvironmentVariable("AWS_REGION")
            ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION")
            ?? FallbackRegionFactory.GetRegionEndpoint()?.SystemName
            ?? throw new ArgumentException("No AWS region: set Region, AWS_REGION or AWS_DEFAULT_REGION.", nameof(configure));
        var endpoint = options.ServiceUrl
            ?? Url(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_SECRETS_MANAGER"))
            ?? Url(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"))
            ?? new Uri($"https://secretsmanager.{region}.amazonaws.com/");
        BackendHttpClientFactory.EnsureAllowedEndpoint(endpoint, options.Http.AllowInsecureHttp, nameof(options.ServiceUrl));
        var credentials = options.Credentials;
        async ValueTask<AwsSigningCredentials> Resolve(CancellationToken cancellationToken)
        {
            credentials ??= await Amazon.Runtime.Credentials.DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(null!).ConfigureAwait(false);
            var immutable = await credentials.GetCredentialsAsync().ConfigureAwait(false);
            return new AwsSigningCredentials(immutable.AccessKey, immutable.SecretKey, immutable.UseToken ? immutable.Token : null);
        }

        return builder.AddStore(
            context =>
            {
                // AWS never follows redirects: a redirect would carry the SigV4-signed headers to another host.
                var http = BackendHttpClient.Create(endpoint, "AWS Secrets Manager", $"aws-secretsmanager:{region}", options.Http, BackendRedirectPolicy.Never, context.TimeProvider);
                var client = new SecretsManagerClient(http, endpoint, region, Resolve, context.TimeProvider);
                return new AwsSecretsManagerStore(client, options, context.LoggerFactory.CreateLogger("Secrets.Sdk.Aws"), context.TimeProvider);
            },
            options);
    }

    private static Uri? Url(string? value) => string.IsNullOrWhiteSpace(value) ? null : new Uri(value);
}
