namespace Secrets.Sdk.Gcp;

/// <summary>Where a <see cref="GcpCredential"/> gets a new token from; the credential caches what it returns.</summary>
internal abstract class GcpTokenSource : IDisposable
{
    /// <summary>Gets what the source is, for messages (never a secret): for example <c>service account 'a@p.iam.gserviceaccount.com' (key file '/k.json')</c>.</summary>
    public abstract string Description { get; }

    /// <summary>Gets a new token (no caching here).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The token.</returns>
    /// <exception cref="SecretStoreException">The token could not be had; the message names the source.</exception>
    public abstract Task<GcpAccessToken> FetchAsync(CancellationToken cancellationToken);

    /// <summary>Returns the project the credential belongs to, when it says (a service-account key file, the metadata server).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The project id, or <see langword="null"/>.</returns>
    public virtual ValueTask<string?> GetProjectIdAsync(CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);

    /// <summary>Releases the HTTP client of the token endpoint, if any.</summary>
    public virtual void Dispose()
    {
    }
}
