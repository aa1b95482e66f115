using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Secrets.Sdk;

/// <summary>
/// Collects the secret sources of one <c>AddSecretsManager(...)</c> call. Backend packages add their sources
/// with extension methods (<c>AddVault</c>, <c>AddAwsSecretsManager</c>, <c>AddMountedFiles</c>) that end in
/// <see cref="AddStore"/>.
/// </summary>
public sealed class SecretsManagerBuilder
{
    private readonly List<SecretSourceRegistration> _sources = [];

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

    /// <summary>Gets the sources added so far, in order; a later source wins over an earlier one for the same key.</summary>
    public IReadOnlyList<SecretSourceRegistration> Sources => _sources;

    /// <summary>Adds a source that reads <paramref name="store"/>.</summary>
    /// <param name="store">The store; the SDK disposes it with the configuration if it is disposable.</param>
    /// <param name="options">How it is loaded and refreshed; <see langword="null"/> for the defaults.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public SecretsManagerBuilder AddStore(ISecretStore store, SecretSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new SecretSourceOptions();
        options.Validate();
        _sources.Add(new SecretSourceRegistration(store, options));
        return this;
    }
}
