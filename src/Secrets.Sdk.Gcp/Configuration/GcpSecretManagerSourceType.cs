namespace Secrets.Sdk.Gcp;

/// <summary>
/// The source type <c>"Type": "GcpSecretManager"</c> in a declared secrets section: <c>ProjectId</c> (or
/// <c>GOOGLE_CLOUD_PROJECT</c>), discovery by <c>Filter</c>, explicit <c>Secrets</c> (a secret id, or an object with
/// <c>SecretId</c>, <c>Version</c>, <c>Section</c>, <c>Optional</c>), <c>Location</c>, <c>Endpoint</c>, discovery interval and
/// jitter, <c>PageSize</c>, <c>AllowMissingChecksum</c>, <c>Http</c> limits, and every common source setting. Credentials
/// are Google's application default credentials, or a credential given in code
/// (<c>ConfigureDeclaredSources&lt;GcpSecretManagerSourceOptions&gt;</c>). Found by the engine by name.
/// </summary>
internal sealed class GcpSecretManagerSourceType : ISecretSourceType
{
    private const string CredentialAdvice =
        "Google credentials must not be written in configuration: they come from application default credentials (GOOGLE_APPLICATION_CREDENTIALS naming a key file, workload identity, the metadata server).";

    public void AddSource(SecretsManagerBuilder builder, DeclaredSection declaration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(declaration);
        builder.AddGcpSecretManager(options => Read(declaration, options));
    }

    private static void Read(DeclaredSection declaration, GcpSecretManagerSourceOptions options)
    {
        declaration.ApplyTo(options);
        declaration.Reject("Credential", CredentialAdvice);
        declaration.Reject("PrivateKey", CredentialAdvice);
        options.ProjectId = declaration.GetString(nameof(options.ProjectId));
        options.Filter = declaration.GetString(nameof(options.Filter));
        options.Location = declaration.GetString(nameof(options.Location));
        options.Endpoint = declaration.GetUri(nameof(options.Endpoint));
        options.DiscoveryInterval = declaration.GetTimeSpan(nameof(options.DiscoveryInterval)) ?? options.DiscoveryInterval;
        options.DiscoveryJitter = declaration.GetDouble(nameof(options.DiscoveryJitter)) ?? options.DiscoveryJitter;
        options.AllowMissingChecksum = declaration.GetBoolean(nameof(options.AllowMissingChecksum)) ?? options.AllowMissingChecksum;
        options.PageSize = declaration.GetInt32(nameof(options.PageSize)) ?? options.PageSize;
        BackendHttpDeclaration.Read(declaration, options.Http);
        foreach (var secret in declaration.GetSections(nameof(options.Secrets), shorthandKey: nameof(GcpSecretReference.SecretId)))
        {
            var secretId = secret.GetRequiredString(nameof(GcpSecretReference.SecretId));
            var version = secret.GetString(nameof(GcpSecretReference.Version)) ?? GcpSecretManagerSourceOptions.LatestVersion;
            var section = secret.GetString(nameof(GcpSecretReference.Section));
            var optional = secret.GetBoolean(nameof(GcpSecretReference.Optional)) ?? false;
            if (secretId is not null)
            {
                options.AddSecret(secretId, version, section, optional);
            }
        }

        declaration.Customize(options);
    }
}
