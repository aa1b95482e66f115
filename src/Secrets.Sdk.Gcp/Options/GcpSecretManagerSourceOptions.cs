using Secrets.Sdk.Http;

namespace Secrets.Sdk.Gcp;

/// <summary>Options of the GCP Secret Manager source added by <c>AddGcpSecretManager</c>.</summary>
public sealed class GcpSecretManagerSourceOptions : SecretSourceOptions
{
    /// <summary>The version alias of the most recently created version.</summary>
    public const string LatestVersion = "latest";

    /// <summary>
    /// Creates the options with GCP's convention: <c>__</c> in a secret id becomes <c>:</c> (<c>Database__Password</c> gives
    /// <c>Database:Password</c>). <see cref="SecretSourceOptions.RefreshJitter"/> defaults to 0.5 here (polls 2.5 to 7.5
    /// minutes apart at the default interval) because Secret Manager's quotas are per project per <em>minute</em>: a fleet
    /// deployed at once must spread its value checks over several minutes, not the ±30 s of the engine's ±10%.
    /// </summary>
    public GcpSecretManagerSourceOptions()
    {
        KeyMapper = new SecretKeyMapper("__");
        RefreshJitter = 0.5;
    }

    /// <summary>
    /// Gets or sets the project id (or number). Default: <c>GOOGLE_CLOUD_PROJECT</c>, then the credential's project (a
    /// service-account key's <c>project_id</c>, or the metadata server's project).
    /// </summary>
    public string? ProjectId { get; set; }

    /// <summary>
    /// Gets or sets a Secret Manager list filter for discovery (for example <c>labels.app=orders</c>). Discovery runs when a
    /// filter is set or no secret is added explicitly (then every secret of the project is loaded).
    /// </summary>
    /// <remarks>Syntax: https://cloud.google.com/secret-manager/docs/filtering.</remarks>
    public string? Filter { get; set; }

    /// <summary>
    /// Gets or sets the location of regional secrets (for example <c>europe-west1</c>): requests go to
    /// <c>https://secretmanager.LOCATION.rep.googleapis.com/</c> and name <c>projects/*/locations/LOCATION/secrets/*</c>.
    /// </summary>
    public string? Location { get; set; }

    /// <summary>
    /// Gets or sets the credential (shared; the source does not dispose it). Default: application default credentials
    /// (<c>GOOGLE_APPLICATION_CREDENTIALS</c>, gcloud user credentials, the metadata server of GCE, GKE Workload Identity
    /// and Cloud Run; see <see cref="GcpCredential.ApplicationDefault"/>), created for the source on the source's clock.
    /// Tokens are cached and renewed before they expire.
    /// </summary>
    public GcpCredential? Credential { get; set; }

    /// <summary>
    /// Gets or sets the endpoint (private service connect, tests). Default: <c>https://secretmanager.googleapis.com/</c>, or the
    /// regional endpoint when <see cref="Location"/> is set. Plain HTTP is accepted for loopback addresses only.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>
    /// Gets or sets how often the secret list is re-read to find added or removed secrets. Listing is a metadata read, and a
    /// project has only 600 of those per minute (against 90,000 accesses), so it runs far less often than the value checks
    /// of <see cref="SecretSourceOptions.RefreshInterval"/>. Default: 1 hour.
    /// </summary>
    public TimeSpan DiscoveryInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets the relative jitter of <see cref="DiscoveryInterval"/> (0.5: each next discovery 30 to 90 minutes after
    /// the last at the default interval), so instances deployed together do not keep listing in the same minute. The first
    /// discovery after startup is spread over the whole interval (0 to 60 minutes); 0 makes both exact. Default: 0.5.
    /// </summary>
    public double DiscoveryJitter { get; set; } = 0.5;

    /// <summary>
    /// Gets or sets a value indicating whether a value whose answer carries no <c>payload.dataCrc32c</c> is loaded unverified.
    /// Secret Manager stores a checksum for every version, so by default a missing one is an integrity error for that
    /// secret. Default: <see langword="false"/>.
    /// </summary>
    public bool AllowMissingChecksum { get; set; }

    /// <summary>Gets or sets the page size of the list call (1 to 25,000). Default: 500.</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>
    /// Gets the HTTP settings: limits (answer and value size, pages), timeouts, handler hooks (a client from
    /// <c>IHttpClientFactory</c> through <see cref="BackendHttpOptions.CreateClient"/>, proxy, CA bundle). Plain HTTP is
    /// accepted only to a loopback
    /// <see cref="Endpoint"/> unless <see cref="BackendHttpOptions.AllowInsecureHttp"/> is set.
    /// </summary>
    public BackendHttpOptions Http { get; } = new();

    /// <summary>Gets the explicitly named secrets.</summary>
    public IList<GcpSecretReference> Secrets { get; } = [];

    /// <summary>Adds an explicitly named secret (no list permission needed).</summary>
    /// <param name="secretId">The secret id.</param>
    /// <param name="version"><c>latest</c>, a version number, or a version alias.</param>
    /// <param name="section">The configuration section for its value.</param>
    /// <param name="optional">Whether its failure may be ignored.</param>
    /// <returns>These options.</returns>
    public GcpSecretManagerSourceOptions AddSecret(string secretId, string version = LatestVersion, string? section = null, bool optional = false)
    {
        GcpResourceNames.ValidateSecretId(secretId, nameof(secretId));
        GcpResourceNames.ValidateVersion(version, nameof(version));
        Secrets.Add(new GcpSecretReference(secretId) { Version = version, Section = section, Optional = optional });
        return this;
    }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (DiscoveryInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(DiscoveryInterval)} must be positive; it was {DiscoveryInterval}.", nameof(DiscoveryInterval));
        }

        if (DiscoveryJitter is < 0 or >= 1 || double.IsNaN(DiscoveryJitter))
        {
            throw new ArgumentException($"{nameof(DiscoveryJitter)} must be in [0, 1); it was {DiscoveryJitter}.", nameof(DiscoveryJitter));
        }

        if (PageSize is < 1 or > 25_000)
        {
            throw new ArgumentException($"{nameof(PageSize)} must be between 1 and 25000; it was {PageSize}.", nameof(PageSize));
        }

        if (ProjectId is not null)
        {
            GcpResourceNames.ValidateSegment(ProjectId, nameof(ProjectId));
        }

        if (Location is not null)
        {
            GcpResourceNames.ValidateSegment(Location, nameof(Location));
        }

        if (Endpoint is { } endpoint)
        {
            BackendHttpClientFactory.EnsureAllowedEndpoint(endpoint, Http.AllowInsecureHttp, nameof(Endpoint));
        }

        Http.Validate();
        foreach (var secret in Secrets)
        {
            GcpResourceNames.ValidateSecretId(secret.SecretId, nameof(Secrets));
            GcpResourceNames.ValidateVersion(secret.Version, nameof(Secrets));
        }
    }

    internal bool Discovers => Filter is not null || Secrets.Count == 0;

}
