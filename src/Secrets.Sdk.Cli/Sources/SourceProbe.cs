using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Aws;
using Secrets.Sdk.Azure;
using Secrets.Sdk.Gcp;
using Secrets.Sdk.Vault;

namespace Secrets.Sdk.Cli;

/// <summary>
/// One declared source loaded on its own, the way the application would load it (same declaration, same engine), but
/// optional so that a failure is reported instead of thrown, with its HTTP exchanges observed. Dispose to stop it.
/// </summary>
internal sealed class SourceProbe : IDisposable
{
    private readonly IConfigurationRoot _root;

    private SourceProbe(SourceDeclaration declaration, IConfigurationRoot root, HttpObservations observations, IReadOnlyList<SecretSourceOptions> options, TimeSpan loadTime)
    {
        Declaration = declaration;
        _root = root;
        Observations = observations;
        Options = options;
        LoadTime = loadTime;
    }

    /// <summary>Gets the declaration.</summary>
    public SourceDeclaration Declaration { get; }

    /// <summary>Gets the HTTP exchanges seen so far.</summary>
    public HttpObservations Observations { get; }

    /// <summary>Gets the options the declaration produced (one per engine source).</summary>
    public IReadOnlyList<SecretSourceOptions> Options { get; }

    /// <summary>Gets how long the first load took.</summary>
    public TimeSpan LoadTime { get; }

    /// <summary>Gets the configuration the source produced.</summary>
    public IConfiguration Configuration => _root;

    /// <summary>Gets the engine's status of each source the declaration produced.</summary>
    public IReadOnlyList<SecretSourceStatus> Statuses => _root.GetSecretsManager().Sources;

    /// <summary>Loads one declared source.</summary>
    /// <param name="file">The settings file.</param>
    /// <param name="declaration">The source.</param>
    /// <param name="timeout">How long the first load may take.</param>
    /// <param name="time">The clock.</param>
    /// <param name="backends">How the source reaches its backend beyond the declaration.</param>
    /// <param name="cancellationToken">Cancels the wait (the load itself is bounded by <paramref name="timeout"/>).</param>
    /// <returns>The loaded (or failed) source.</returns>
    public static async Task<SourceProbe> LoadAsync(SecretsSettingsFile file, SourceDeclaration declaration, TimeSpan timeout, TimeProvider time, CliBackends backends, CancellationToken cancellationToken)
    {
        var observations = new HttpObservations();
        var options = new List<SecretSourceOptions>();
        var builder = new ConfigurationBuilder().AddSecretsManager(file.SectionWithOnly(declaration.Index), secrets =>
        {
            secrets.TimeProvider = time;
            secrets.OptionalSourceWait = timeout;
            secrets.ConfigureDeclaredSources<SecretSourceOptions>(o =>
            {
                o.Optional = true; // Reported, not thrown: the CLI judges every source.
                o.Leases.RevokeOnShutdown = true; // Dynamic credentials minted only to be looked at are revoked on exit.
                lock (options)
                {
                    options.Add(o);
                }
            });
            secrets.ConfigureDeclaredSources<VaultSourceOptions>(o => ObservingHandler.Attach(o.Http, observations, time));
            secrets.ConfigureDeclaredSources<AwsSecretsManagerSourceOptions>(o => ObservingHandler.Attach(o.Http, observations, time));
            secrets.ConfigureDeclaredSources<GcpSecretManagerSourceOptions>(o => ObservingHandler.Attach(o.Http, observations, time));
            secrets.ConfigureDeclaredSources<AzureKeyVaultSourceOptions>(o => o.ClientOptions.AddPolicy(new AzureObservingPolicy(observations, time), global::Azure.Core.HttpPipelinePosition.PerRetry));
            backends.ConfigureSources?.Invoke(secrets);
        });

        var started = time.GetTimestamp();
        var root = await Task.Run(builder.Build, cancellationToken).ConfigureAwait(false); // Build() loads, within the timeout.
        return new SourceProbe(declaration, root, observations, options, time.GetElapsedTime(started));
    }

    /// <summary>Runs one refresh pass (as the polling loop would) and returns the HTTP exchanges it made.</summary>
    /// <param name="cancellationToken">Cancels the pass.</param>
    /// <returns>The exchanges of that pass.</returns>
    public async Task<IReadOnlyList<HttpExchange>> MeasureRefreshAsync(CancellationToken cancellationToken)
    {
        Observations.Clear();
        await _root.GetSecretsManager().RefreshAsync(cancellationToken).ConfigureAwait(false);
        return Observations.Exchanges;
    }

    /// <inheritdoc/>
    public void Dispose() => (_root as IDisposable)?.Dispose();
}
