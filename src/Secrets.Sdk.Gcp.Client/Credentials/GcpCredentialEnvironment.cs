namespace Secrets.Sdk.Gcp;

/// <summary>
/// Where application default credentials look: the environment variables <c>GOOGLE_APPLICATION_CREDENTIALS</c>,
/// <c>CLOUDSDK_CONFIG</c>, <c>GCE_METADATA_HOST</c>, and the home folder that holds gcloud's well-known file. Tests pass
/// their own variables instead of the process's.
/// </summary>
/// <remarks>https://cloud.google.com/docs/authentication/application-default-credentials#search_order.</remarks>
internal sealed class GcpCredentialEnvironment
{
    /// <summary>The variable naming a credential file, checked first.</summary>
    public const string CredentialsVariable = "GOOGLE_APPLICATION_CREDENTIALS";

    /// <summary>The variable that moves gcloud's configuration folder (and so its well-known file).</summary>
    public const string CloudSdkConfigVariable = "CLOUDSDK_CONFIG";

    /// <summary>The variable naming the metadata server (<c>host[:port]</c>), for emulators and tests.</summary>
    public const string MetadataHostVariable = "GCE_METADATA_HOST";

    /// <summary>The metadata server's fixed link-local address.</summary>
    public const string DefaultMetadataHost = "169.254.169.254";

    private const string WellKnownFileName = "application_default_credentials.json";
    private readonly Func<string, string?> _variables;
    private readonly bool _isWindows;

    public GcpCredentialEnvironment(Func<string, string?> variables, bool isWindows)
    {
        _variables = variables;
        _isWindows = isWindows;
    }

    /// <summary>Gets the process's environment.</summary>
    public static GcpCredentialEnvironment Process { get; } = new(Environment.GetEnvironmentVariable, OperatingSystem.IsWindows());

    /// <summary>Returns a variable's value, trimmed, or <see langword="null"/> when it is unset or blank.</summary>
    public string? Get(string name) => _variables(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>
    /// Returns the path of gcloud's well-known file (written by <c>gcloud auth application-default login</c>):
    /// <c>$CLOUDSDK_CONFIG/application_default_credentials.json</c>, else <c>%APPDATA%\gcloud\...</c> on Windows and
    /// <c>$HOME/.config/gcloud/...</c> elsewhere; <see langword="null"/> when the folder cannot be named.
    /// </summary>
    public string? WellKnownFilePath()
    {
        if (Get(CloudSdkConfigVariable) is { } config)
        {
            return Path.Combine(config, WellKnownFileName);
        }

        if (_isWindows)
        {
            return Get("APPDATA") is { } appData ? Path.Combine(appData, "gcloud", WellKnownFileName) : null;
        }

        return Get("HOME") is { } home ? Path.Combine(home, ".config", "gcloud", WellKnownFileName) : null;
    }

    /// <summary>Gets the metadata server's base address: <c>http://$GCE_METADATA_HOST/</c> or <c>http://169.254.169.254/</c>.</summary>
    public Uri MetadataAddress()
    {
        var host = Get(MetadataHostVariable) ?? DefaultMetadataHost;
        if (!Uri.TryCreate($"http://{host}/", UriKind.Absolute, out var address) || address.AbsolutePath != "/" || !string.IsNullOrEmpty(address.Query))
        {
            throw new SecretStoreException($"GCP credentials: {MetadataHostVariable} '{host}' is not a host[:port].", SecretErrorKind.InvalidRequest, GcpCredential.ServiceName);
        }

        return address;
    }
}
