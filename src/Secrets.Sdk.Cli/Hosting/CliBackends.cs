using Secrets.Sdk.Encryption;

namespace Secrets.Sdk.Cli;

/// <summary>
/// How the verbs reach backends beyond what the settings file and the environment say. The tool uses
/// <see cref="Default"/>: declared sources exactly as the file declares them, with each vendor's credential chain, and KEK
/// URIs opened with each vendor's defaults (<c>VAULT_ADDR</c>/<c>VAULT_TOKEN</c>, the AWS default chain and
/// <c>AWS_ENDPOINT_URL_KMS</c>, <c>DefaultAzureCredential</c>, Google application default credentials). Tests point the
/// same code at in-process emulators through these hooks: credentials, TLS trust or endpoints that cannot be written in a
/// settings file or a URI.
/// </summary>
internal sealed class CliBackends
{
    /// <summary>Gets the tool's backends: nothing beyond the file, the URIs and the environment.</summary>
    public static CliBackends Default { get; } = new();

    /// <summary>
    /// Gets what runs on the builder of each declared source that <c>list</c> and <c>doctor</c> load, after the CLI's own
    /// settings (e.g. <c>ConfigureDeclaredSources&lt;AwsSecretsManagerSourceOptions&gt;(o =&gt; o.Credentials = ...)</c>).
    /// </summary>
    public Action<SecretsManagerBuilder>? ConfigureSources { get; init; }

    /// <summary>Gets what creates the resolver of <c>--kek</c>/<c>--to</c> URIs; <see langword="null"/>: every scheme with its vendor's defaults.</summary>
    public Func<KeyEncryptionKeyResolver>? CreateResolver { get; init; }
}
