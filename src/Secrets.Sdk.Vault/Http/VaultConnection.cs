using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Secrets.Sdk.Vault;

/// <summary>
/// One HTTP client and token lifecycle, shared by the stores of one <c>AddVault</c> call within one configuration provider
/// (through <see cref="SecretStoreContext.GetOrAddShared{T}"/>), and disposed by that provider after its stores.
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

    public static VaultConnection Create(Uri address, string? vaultNamespace, VaultTlsOptions tls, VaultAuthentication authentication, SecretLeaseOptions leases, TimeProvider time, ILogger logger)
    {
        if (address.Scheme == Uri.UriSchemeHttp)
        {
            LogInsecure(logger, address.ToString());
        }

        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 64 };
        if (tls.CaCertificatePath is { } caPath)
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(caPath);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (errors == SslPolicyErrors.None)
                {
                    return true;
                }

                if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }

        if (tls.ClientCertificate is { } clientCertificate)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        var baseAddress = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
        var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var client = new VaultClient(http, vaultNamespace);
        var tokens = new VaultTokenManager(client, authentication, leases, time, logger);
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
