namespace Secrets.Sdk.Gcp;

/// <summary>
/// Application default credentials, resolved on first use in Google's order: the file named by
/// <c>GOOGLE_APPLICATION_CREDENTIALS</c>; else gcloud's well-known file, when it exists; else the metadata server (GCE,
/// GKE Workload Identity, Cloud Run). A file is a <c>service_account</c> key or <c>authorized_user</c> credentials; any
/// other type (<c>external_account</c> for workload identity federation, <c>impersonated_service_account</c>, ...) fails
/// naming the file and the type and pointing at <see cref="GcpCredential.FromTokenProvider"/>.
/// </summary>
/// <remarks>https://cloud.google.com/docs/authentication/application-default-credentials#search_order.</remarks>
internal sealed class ApplicationDefaultTokenSource : GcpTokenSource
{
    private readonly GcpCredentialOptions _options;
    private readonly GcpCredentialEnvironment _environment;
    private readonly object _gate = new();
    private GcpTokenSource? _resolved;

    public ApplicationDefaultTokenSource(GcpCredentialOptions options, GcpCredentialEnvironment environment)
    {
        _options = options;
        _environment = environment;
    }

    public override string Description => Volatile.Read(ref _resolved)?.Description ?? "application default credentials";

    /// <summary>Gets the source found, once resolved (tests).</summary>
    internal GcpTokenSource? Resolved => Volatile.Read(ref _resolved);

    public override async Task<GcpAccessToken> FetchAsync(CancellationToken cancellationToken)
    {
        var source = Resolve();
        try
        {
            return await source.FetchAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SecretStoreException ex) when (source is MetadataServerTokenSource && ex.Status is null)
        {
            // Off GCP the metadata server never answers: say what else was looked for, so the fix is obvious.
            throw new SecretStoreException(
                $"GCP credentials: no application default credentials: {GcpCredentialEnvironment.CredentialsVariable} is not set, there is no gcloud file at '{_environment.WellKnownFilePath() ?? "(no home folder)"}' (gcloud auth application-default login), and {source.Description} did not answer ({ex.Message}).",
                ex.Kind,
                GcpCredential.ServiceName,
                innerException: ex);
        }
    }

    public override ValueTask<string?> GetProjectIdAsync(CancellationToken cancellationToken) => Resolve().GetProjectIdAsync(cancellationToken);

    public override void Dispose()
    {
        lock (_gate)
        {
            _resolved?.Dispose();
        }
    }

    /// <summary>Creates the source a credential file describes.</summary>
    /// <param name="path">The file.</param>
    /// <param name="origin">Where its path came from, for messages.</param>
    /// <param name="options">The credential settings.</param>
    /// <param name="allowUser">Whether <c>authorized_user</c> files are accepted (not by <see cref="GcpCredential.FromServiceAccountKeyFile"/>).</param>
    /// <returns>The source.</returns>
    internal static GcpTokenSource FromFile(string path, string origin, GcpCredentialOptions options, bool allowUser)
    {
        var file = CredentialFileReader.Read(path, origin);
        return file.Type switch
        {
            "service_account" => new ServiceAccountTokenSource(file, path, options),
            "authorized_user" when allowUser => new AuthorizedUserTokenSource(file, path, options),
            "authorized_user" => throw CredentialFileReader.Error($"the credential file '{path}' ({origin}) holds gcloud user credentials (type 'authorized_user'), not a service account key; use GcpCredential.ApplicationDefault() for user credentials"),
            null or "" => throw CredentialFileReader.Error($"the credential file '{path}' ({origin}) has no 'type'; expected 'service_account' or 'authorized_user'"),
            "external_account" => throw CredentialFileReader.Error(
                $"the credential file '{path}' ({origin}) is of type 'external_account' (workload identity federation), which Secrets.Sdk.Gcp.Client does not exchange itself; "
                + "on GKE use Workload Identity (the metadata server, with GOOGLE_APPLICATION_CREDENTIALS unset), or plug in a token from your federation library with GcpCredential.FromTokenProvider (see the Secrets.Sdk.Gcp.Client README)"),
            _ => throw CredentialFileReader.Error(
                $"the credential file '{path}' ({origin}) is of type '{Printable(file.Type)}', which is not supported; use a 'service_account' key, gcloud 'authorized_user' credentials, "
                + "the metadata server, or GcpCredential.FromTokenProvider (see the Secrets.Sdk.Gcp.Client README)"),
        };
    }

    private GcpTokenSource Resolve()
    {
        if (Volatile.Read(ref _resolved) is { } resolved)
        {
            return resolved;
        }

        lock (_gate)
        {
            // Not cached when it fails: a key file written after startup (a mounted secret) is found on the next call.
            _resolved ??= Find();
            return _resolved;
        }
    }

    private GcpTokenSource Find()
    {
        if (_environment.Get(GcpCredentialEnvironment.CredentialsVariable) is { } path)
        {
            return FromFile(path, GcpCredentialEnvironment.CredentialsVariable, _options, allowUser: true);
        }

        if (_environment.WellKnownFilePath() is { } wellKnown && File.Exists(wellKnown))
        {
            return FromFile(wellKnown, "gcloud's application default credentials file", _options, allowUser: true);
        }

        return new MetadataServerTokenSource(_environment.MetadataAddress(), _options);
    }

    private static string Printable(string text) =>
        text.Length <= 64 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? text : "(unprintable)";
}
