using Microsoft.Extensions.Logging;

namespace Secrets.Sdk;

/// <summary>
/// What a store factory receives from the configuration provider that will own the store: the clock, the logger factory
/// and a bag of resources shared by the stores of that one provider (a Vault connection and token, say). Each provider
/// built from a source (and <c>ConfigurationManager</c> rebuilds providers whenever its sources change) gets a context
/// of its own, so a rebuilt provider never runs on a client disposed with its predecessor.
/// </summary>
public sealed class SecretStoreContext : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<object, object> _shared = [];
    private readonly List<object> _creationOrder = [];
    private bool _disposed;

    internal SecretStoreContext(TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        TimeProvider = timeProvider;
        LoggerFactory = loggerFactory;
    }

    /// <summary>Gets the clock for every timer, delay and timestamp of the store.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Gets the logger factory of the owning provider.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>
    /// Returns the resource registered under <paramref name="key"/> for this provider, creating it on first use. The
    /// provider disposes it (when it is <see cref="IAsyncDisposable"/> or <see cref="IDisposable"/>) after every store,
    /// in reverse order of creation.
    /// </summary>
    /// <typeparam name="T">The resource's type.</typeparam>
    /// <param name="key">Identifies the resource, for example the options object of one <c>AddVault</c> call.</param>
    /// <param name="create">Creates the resource.</param>
    /// <returns>The one resource for <paramref name="key"/> in this provider.</returns>
    /// <exception cref="ObjectDisposedException">The provider owning this context was disposed.</exception>
    public T GetOrAddShared<T>(object key, Func<SecretStoreContext, T> create)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(create);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_shared.TryGetValue(key, out var existing))
            {
                return (T)existing;
            }

            var created = create(this);
            _shared[key] = created;
            _creationOrder.Add(created);
            return created;
        }
    }

    /// <summary>Disposes every shared resource, newest first. Called by the owning provider after its stores are disposed.</summary>
    /// <returns>A task that completes when every resource is disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        object[] resources;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            resources = [.. _creationOrder];
            _creationOrder.Clear();
            _shared.Clear();
        }

        for (var i = resources.Length - 1; i >= 0; i--)
        {
            await Disposal.DisposeAsync(resources[i]).ConfigureAwait(false);
        }
    }
}
