using Azure.Core.Pipeline;
using Secrets.Sdk.Azure.Tests;
using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Encryption.Keys.Tests.Azure;

/// <summary>
/// The Key Vault emulator on HTTPS plus what the key KEK needs to use it: a transport that trusts exactly the emulator's
/// generated certificate and a credential returning the emulator's fixed token.
/// </summary>
internal sealed class AzureFixture : IAsyncDisposable
{
    private readonly HttpClient _http;

    private AzureFixture(AzureKeyVaultEmulator vault)
    {
        Vault = vault;
        _http = new HttpClient(EmulatorCertificate.TrustingHandler(vault.Certificate));
        Transport = new HttpClientTransport(_http);
    }

    public AzureKeyVaultEmulator Vault { get; }

    public HttpClientTransport Transport { get; }

    public FixedTokenCredential Credential { get; } = new(AzureKeyVaultEmulator.AccessToken);

    public static async Task<AzureFixture> StartAsync()
    {
        var fixture = new AzureFixture(new AzureKeyVaultEmulator());
        await fixture.Vault.StartAsync();
        return fixture;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Vault.DisposeAsync();
    }
}
