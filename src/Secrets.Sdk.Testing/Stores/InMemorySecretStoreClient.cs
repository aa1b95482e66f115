namespace Secrets.Sdk.Testing;

/// <summary>
/// A client over an <see cref="InMemorySecretStore"/>, made by <see cref="InMemorySecretStore.Connect"/>: it forwards
/// every call while open and throws <see cref="ObjectDisposedException"/> once disposed, like an HTTP client would.
/// </summary>
public sealed class InMemorySecretStoreClient : ILeasedSecretStore, IChangeNotifyingSecretStore, IDisposable
{
    private readonly InMemorySecretStore _backend;
    private readonly Action _onDispose;
    private int _disposed;

    internal InMemorySecretStoreClient(InMemorySecretStore backend, Action onDispose)
    {
        _backend = backend;
        _onDispose = onDispose;
        _backend.Changed += OnBackendChanged;
    }

    /// <inheritdoc/>
    public event EventHandler? Changed;

    /// <inheritdoc/>
    public string Name => _backend.Name;

    /// <inheritdoc/>
    public int MaxBatchSize => _backend.MaxBatchSize;

    /// <summary>Gets a value indicating whether the client was disposed.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<SecretMetadata>> ListSecretsAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return _backend.ListSecretsAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<SecretReadResult>> GetSecretsAsync(IReadOnlyList<SecretMetadata> secrets, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return _backend.GetSecretsAsync(secrets, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<SecretLease> RenewLeaseAsync(SecretLease lease, TimeSpan increment, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return _backend.RenewLeaseAsync(lease, increment, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask RevokeLeaseAsync(SecretLease lease, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return _backend.RevokeLeaseAsync(lease, cancellationToken);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _backend.Changed -= OnBackendChanged;
            _onDispose();
        }
    }

    private void OnBackendChanged(object? sender, EventArgs e) => Changed?.Invoke(this, e);

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);
}
