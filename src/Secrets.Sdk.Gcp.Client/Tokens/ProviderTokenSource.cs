namespace Secrets.Sdk.Gcp;

/// <summary>
/// Tokens from the application's own provider (<see cref="GcpCredential.FromTokenProvider"/>), cached by the credential
/// until shortly before they expire. Each call is bounded by <see cref="Timeout"/>.
/// </summary>
internal sealed class ProviderTokenSource : GcpTokenSource
{
    /// <summary>How long one call of the provider may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    private readonly Func<CancellationToken, ValueTask<GcpAccessToken>> _provider;
    private readonly TimeProvider _time;

    public ProviderTokenSource(Func<CancellationToken, ValueTask<GcpAccessToken>> provider, TimeProvider time)
    {
        _provider = provider;
        _time = time;
    }

    public override string Description => "the token provider given to GcpCredential.FromTokenProvider";

    public override async Task<GcpAccessToken> FetchAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        GcpAccessToken? token;
        try
        {
            token = await _provider(linked.Token).AsTask().WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new SecretStoreException($"GCP credentials: {Description} did not return within {Timeout.TotalSeconds:0} s.", SecretErrorKind.Timeout, GcpCredential.ServiceName, innerException: ex);
        }
        catch (Exception ex) when (ex is not (SecretStoreException or OperationCanceledException))
        {
            throw new SecretStoreException($"GCP credentials: {Description} failed ({ex.GetType().Name}).", SecretErrorKind.Unauthenticated, GcpCredential.ServiceName, innerException: ex);
        }

        return token ?? throw new SecretStoreException($"GCP credentials: {Description} returned null.", SecretErrorKind.Unauthenticated, GcpCredential.ServiceName);
    }
}
