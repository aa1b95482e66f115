using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Secrets.Sdk;

/// <summary>
/// Collects the secret sources of one <c>AddSecretsManager(...)</c> call. Backend packages add their sources
/// with extension methods (<c>AddVault</c>, <c>AddAwsSecretsManager</c>, <c>AddMountedFiles</c>) that end in
/// <see cref="AddStore(Func{SecretStoreContext, ISecretStore}, SecretSourceOptions?)"/>.
/// </summary>
public sealed class SecretsManagerBuilder
{
    private readonly List<SecretSourceRegistration> _sources = [];
    private TimeSpan _startupTimeout = TimeSpan.FromSeconds(30);
    private TimeSpan _optionalSourceWait = TimeSpan.FromSeconds(2);
    private TimeSpan _shutdownTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Creates an empty builder.</summary>
    public SecretsManagerBuilder()
    {
    }

    /// <summary>Gets or sets the clock for every timer, delay and timestamp. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Gets or sets the logger factory. When the SDK is added to a host, log lines written before the host's
    /// logging is ready are kept and replayed into it. Default: none (no logging) outside a host.
    /// </summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>
    /// Gets or sets the one deadline for loading every source of this call at startup, whatever the per-attempt timeouts
    /// and retries. Past it, a required source still loading fails startup with a <see cref="SecretsLoadException"/>
    /// naming the source, its store, the operation and the last error. Default: 30 seconds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan StartupTimeout
    {
        get => _startupTimeout;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, nameof(StartupTimeout));
            _startupTimeout = value;
        }
    }

    /// <summary>
    /// Gets or sets how long startup waits for optional sources. One still loading after that does not hold the
    /// application: it keeps loading in the background, arrives with one configuration reload, and the health check
    /// reports Degraded meanwhile. Default: 2 seconds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan OptionalSourceWait
    {
        get => _optionalSourceWait;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero, nameof(OptionalSourceWait));
            _optionalSourceWait = value;
        }
    }

    /// <summary>
    /// Gets or sets how long disposing the configuration (or stopping the host) waits for refreshes in flight and lease
    /// revocations to finish. Default: 10 seconds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan ShutdownTimeout
    {
        get => _shutdownTimeout;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, nameof(ShutdownTimeout));
            _shutdownTimeout = value;
        }
    }

    /// <summary>Gets the number of sources added so far.</summary>
    public int Count => _sources.Count;

    /// <summary>Gets the sources added so far, in order; a later source wins over an earlier one for the same key.</summary>
    internal IReadOnlyList<SecretSourceRegistration> Sources => _sources;

    /// <summary>Gets the last-known-good cache, when one was configured.</summary>
    internal LastKnownGoodRegistration? LastKnownGood { get; private set; }

    /// <summary>
    /// Keeps an encrypted last-known-good copy of the secrets in <paramref name="path"/>: after every successful load or
    /// refresh the merged secrets are sealed under <see cref="LastKnownGoodCacheOptions.KeyEncryptionKey"/> (bound to the
    /// application and these sources) and the file is replaced atomically. When a required source cannot load within
    /// <see cref="StartupTimeout"/>, startup serves the file's values instead (if younger than
    /// <see cref="LastKnownGoodCacheOptions.MaxAge"/>), health reports Degraded, and the live sources keep trying; the
    /// first that loads replaces the cached values with one reload if anything differs.
    /// </summary>
    /// <param name="path">The cache file (for example <c>/var/cache/orders/secrets.lkg</c>); its directory is created if missing.</param>
    /// <param name="configure">Sets the key-encryption key (required) and limits.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The path is empty or a setting is out of range; the message names it.</exception>
    public SecretsManagerBuilder UseLastKnownGoodCache(string path, Action<LastKnownGoodCacheOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new LastKnownGoodCacheOptions();
        configure(options);
        options.Validate();
        LastKnownGood = new LastKnownGoodRegistration(System.IO.Path.GetFullPath(path), options);
        return this;
    }

    /// <summary>Gets the code that completes sources declared in configuration (<c>ConfigureDeclaredSources</c>).</summary>
    internal List<DeclaredSourceHook> DeclaredSourceHooks { get; } = [];

    /// <summary>Inserts the sources of <paramref name="other"/> at <paramref name="index"/>, keeping their order.</summary>
    internal void InsertSources(int index, SecretsManagerBuilder other) => _sources.InsertRange(index, other._sources);

    /// <summary>
    /// Adds a source that reads an existing <paramref name="store"/>. The caller owns it: the SDK never disposes a store
    /// it did not create, and every configuration provider built from this source reads the same instance.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="options">How it is loaded and refreshed; <see langword="null"/> for the defaults.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public SecretsManagerBuilder AddStore(ISecretStore store, SecretSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        return Add(_ => store, options, ownsStore: false);
    }

    /// <summary>
    /// Adds a source whose store is created by <paramref name="factory"/> once for each configuration provider built from
    /// it. The provider owns what the factory returns: it disposes the store (and the context's shared resources) when it
    /// is disposed, when its first load fails, or when a <c>ConfigurationManager</c> rebuilds its providers.
    /// </summary>
    /// <param name="factory">Creates the store for one provider.</param>
    /// <param name="options">How it is loaded and refreshed; <see langword="null"/> for the defaults.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public SecretsManagerBuilder AddStore(Func<SecretStoreContext, ISecretStore> factory, SecretSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Add(factory, options, ownsStore: true);
    }

    private SecretsManagerBuilder Add(Func<SecretStoreContext, ISecretStore> factory, SecretSourceOptions? options, bool ownsStore)
    {
        options ??= new SecretSourceOptions();
        options.Validate();
        _sources.Add(new SecretSourceRegistration(factory, options, ownsStore));
        return this;
    }
}
