namespace Secrets.Sdk.Aws;

/// <summary>
/// The source type <c>"Type": "AwsSecretsManager"</c> in a declared secrets section: <c>Region</c>, discovery by
/// <c>NamePrefix</c>/<c>TagFilters</c>, explicit <c>Secrets</c> (a secret id, or an object with <c>SecretId</c>,
/// <c>Section</c>, <c>VersionStage</c>, <c>VersionId</c>, <c>Optional</c>), <c>ServiceUrl</c>, <c>Http</c> limits, and every
/// common source setting. Credentials always come from the AWS SDK's default chain (environment, profile, IRSA, instance
/// role), or from code (<c>ConfigureDeclaredSources&lt;AwsSecretsManagerSourceOptions&gt;</c>). Found by the engine by name.
/// </summary>
internal sealed class AwsSecretsManagerSourceType : ISecretSourceType
{
    private const string CredentialAdvice =
        "AWS credentials must not be written in configuration: they come from the SDK's default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, web identity/IRSA, the instance or task role).";

    public void AddSource(SecretsManagerBuilder builder, DeclaredSection declaration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(declaration);
        builder.AddAwsSecretsManager(options => Read(declaration, options));
    }

    private static void Read(DeclaredSection declaration, AwsSecretsManagerSourceOptions options)
    {
        declaration.ApplyTo(options);
        declaration.Reject("AccessKeyId", CredentialAdvice);
        declaration.Reject("SecretAccessKey", CredentialAdvice);
        declaration.Reject("SessionToken", CredentialAdvice);
        declaration.Reject("Credentials", CredentialAdvice);
        options.Region = declaration.GetString(nameof(options.Region));
        options.NamePrefix = declaration.Contains(nameof(options.NamePrefix)) ? declaration.GetString(nameof(options.NamePrefix)) ?? string.Empty : null;
        options.DiscoveryInterval = declaration.GetTimeSpan(nameof(options.DiscoveryInterval)) ?? options.DiscoveryInterval;
        options.DiscoveryJitter = declaration.GetDouble(nameof(options.DiscoveryJitter)) ?? options.DiscoveryJitter;
        foreach (var (tag, value) in declaration.GetStringMap(nameof(options.TagFilters)))
        {
            options.TagFilters[tag] = value.Length == 0 ? null : value;
        }

        foreach (var secret in declaration.GetSections(nameof(options.Secrets), shorthandKey: nameof(AwsSecretReference.SecretId)))
        {
            var secretId = secret.GetRequiredString(nameof(AwsSecretReference.SecretId));
            var section = secret.GetString(nameof(AwsSecretReference.Section));
            var stage = secret.GetString(nameof(AwsSecretReference.VersionStage)) ?? "AWSCURRENT";
            var versionId = secret.GetString(nameof(AwsSecretReference.VersionId));
            var optional = secret.GetBoolean(nameof(AwsSecretReference.Optional)) ?? false;
            if (secretId is not null)
            {
                options.AddSecret(secretId, section, stage, versionId, optional);
            }
        }

        options.ServiceUrl = declaration.GetUri(nameof(options.ServiceUrl));
        BackendHttpDeclaration.Read(declaration, options.Http);
        if (!declaration.HasProblems && options.NamePrefix is null && options.TagFilters.Count == 0 && options.Secrets.Count == 0)
        {
            declaration.AddProblem(null, "an AWS Secrets Manager source reads nothing: set \"NamePrefix\" or \"TagFilters\" to discover secrets, or list them in \"Secrets\".");
        }

        declaration.Customize(options);
    }
}
