using Azure.Core;
using Azure.Core.Pipeline;
using Secrets.Sdk.Testing.Emulators;

namespace AzureKeyVault;

/// <summary>
/// The in-process Key Vault emulator (HTTPS on 127.0.0.1) seeded with the sample's secrets and key, plus the three things
/// a real <c>SecretClient</c> needs to talk to it: a transport trusting its generated certificate, no challenge-resource
/// check (the challenge names vault.azure.net, the host is 127.0.0.1) and a credential returning its fixed token.
/// </summary>
internal sealed class LocalVault : IAsyncDisposable
{
    private readonly HttpClient _http;

    private LocalVault(AzureKeyVaultEmulator emulator)
    {
        Emulator = emulator;
        _http = new HttpClient(EmulatorCertificate.TrustingHandler(emulator.Certificate));
        Transport = new HttpClientTransport(_http);
    }

    public AzureKeyVaultEmulator Emulator { get; }

    public HttpClientTransport Transport { get; }

    public TokenCredential Credential { get; } = new EmulatorToken();

    public static async Task<LocalVault> StartAsync()
    {
        var emulator = new AzureKeyVaultEmulator();
        await emulator.StartAsync();
        emulator.SetSecret("orders-Database--User", "orders_app");
        emulator.SetSecret("orders-Database--Password", "correct-horse-battery-staple");
        emulator.SetSecret("orders-Legacy--Token", "retired", enabled: false);
        emulator.SetSecret("shared-stripe-key", """{"ApiKey":"sk_test_51Hx","WebhookSecret":"whsec_9f"}""", contentType: "application/json");
        emulator.CreateRsaKey("orders-kek");
        return new LocalVault(emulator);
    }

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        _http.Dispose();
    }

    private sealed class EmulatorToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(AzureKeyVaultEmulator.AccessToken, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
