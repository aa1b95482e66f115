using Secrets.Sdk.Gcp;
using Secrets.Sdk.Http;

namespace Secrets.Sdk;

/// <summary>Adds GCP Secret Manager to Secrets.Sdk.</summary>
public static class GcpSecretManagerBuilderExtensions
{
    /// <summary>
    /// Adds secrets from GCP Secret Manager (REST v1): discovered with a list filter (ids with <c>__</c> as <c>:</c>) and/or
    /// named explicitly at <c>latest</c>, a version number or an alias. Credentials are application default credentials
    /// unless set; every value is checked against its CRC32C.
    /// </summary>
    /// <param name="builder">The secrets builder.</param>
    /// <param name="configure">Sets the project, filter, secrets, location, credential and endpoint.</param>
    /// <returns>The builder.</returns>
    public static SecretsManagerBuilder AddGcpSecretManager(this SecretsManagerBuilder builder, Action<GcpSecretManagerSourceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new GcpSecretManagerSourceOptions();
        configure(options);
        options.Http.MaxSecretBytes = options.MaxSecretBytes; // One knob: the source's value limit is the transport's.
        options.Validate();

        var fromEnvironment = Environment.GetEnvironmentVariable("GOOGLE_CLOUD_PROJECT");
        var knownProject = options.ProjectId
            ?? (string.IsNullOrWhiteSpace(fromEnvironment) ? null : fromEnvironment.Trim());
        if (knownProject is not null)
        {
            GcpResourceNames.ValidateSegment(knownProject, nameof(options.ProjectId));
        }

        var endpoint = options.Endpoint
            ?? new Uri(options.Location is null ? "https://secretmanager.googleapis.com/" : $"https://secretmanager.{options.Location}.rep.googleapis.com/");

        return builder.AddStore(
            context =>
            {
                // Application default credentials when none is set: owned (and disposed) by the store's client.
                var owned = options.Credential is null ? GcpCredential.ApplicationDefault(new GcpCredentialOptions { TimeProvider = context.TimeProvider }) : null;
                var credential = options.Credential ?? owned!;
                var storeName = options.Name ?? $"gcp-secretmanager:{knownProject ?? "(default project)"}";
                var rest = new GcpRestClient(BackendHttpClient.Create(endpoint, "GCP Secret Manager", storeName, options.Http, BackendRedirectPolicy.Never, context.TimeProvider), credential, owned);
                async Task<string> ResolveProject(CancellationToken cancellationToken) =>
                    knownProject
                    ?? await credential.GetProjectIdAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new SecretStoreException($"GCP Secret Manager: no project: set ProjectId or GOOGLE_CLOUD_PROJECT, or use a credential that names its project (a service-account key file, the metadata server); the credential is {credential.Description}.", SecretErrorKind.InvalidRequest, "GCP Secret Manager");
                return new GcpSecretManagerStore(new SecretManagerClient(rest), options, knownProject, ResolveProject, context.TimeProvider, context.LoggerFactory.CreateLogger("Secrets.Sdk.Gcp"));
            },
            options);
    }
}
