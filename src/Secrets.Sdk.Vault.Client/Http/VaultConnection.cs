using Microsoft.Extensions.Logging;
using Secrets.Sdk.Http;

namespace Secrets.Sdk.Vault;

/// <summary>
/// One HTTP client and token lifecycle: shared by the stores of one <c>AddVault</c> call within one configuration
/// provider (and disposed by that provider after its stores), or owned by one Transit key-encryption key. The HTTP
/// client comes from the backend kit (<see cref="BackendHttpClientFactory"/>), with Vault's TLS settings applied; the
/// token renews itself (<see cref="VaultTokenManager"/>), with or without the engine.
/// </summary>
internal sealed partial class VaultConnection : IAsyncDisposable
{
    private int _disposed;

    private VaultConnection(VaultClient client, VaultTokenManager tokens)
    {
        Client = client;
        Tokens = tokens;
    }

    public VaultClient Client { get; }

    public VaultTokenManager Tokens { get; }

    /// <summary>Connects to the validated <paramref name="endpoint"/> (address, namespace, authentication, TLS, HTTP options).</summary>
    public static VaultConnection Create(IVaultEndpointOptions endpoint, VaultTokenRenewalOptions tokenRenewal, TimeProvider time, ILogger logger)
    {
        var address = endpoint.Address ?? throw new ArgumentException("Vault's Address is not set (nor VAULT_ADDR).", nameof(endpoint));
        var authentication = endpoint.Authentication ?? throw new ArgumentException("Vault Authentication is not set (nor VAULT_TOKEN).", nameof(endpoint));
        if (address.Scheme == Uri.UriSchemeHttp)
        {
            LogInsecure(logger, UrlRedaction.Redact(address));
        }

        // VAULT_CACERT and the client certificate are Vault's names for the kit's TLS settings.
        var http = endpoint.Http;
        http.CaCertificatesPath = endpoint.Tls.CaCertificatePath ?? http.CaCertificatesPath;
        http.ClientCertificate = endpoint.Tls.ClientCertificate ?? http.ClientCertificate;
        var redirects = endpoint.FollowStandbyRedirect ? BackendRedirectPolicy.SameSchemeOnce : BackendRedirectPolicy.Never;
        var backend = BackendHttpClient.Create(address, "Vault", "vault:" + UrlRedaction.Redact(address), http, redirects, time);
        var client = new VaultClient(backend, endpoint.Namespace);
        var tokens = new VaultTokenManager(client, authentication, tokenRenewal, time, logger);
        return new VaultConnection(client, tokens);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await Tokens.DisposeAsync().ConfigureAwait(false);
            Client.Dispose();
        }
    }

    [LoggerMessage(4001, LogLevel.Warning, "Vault address {Address} uses plain HTTP; this is accepted for a loopback dev server or when AllowInsecureHttp is set, never for production.")]
    private static partial void LogInsecure(ILogger logger, string address);
}
