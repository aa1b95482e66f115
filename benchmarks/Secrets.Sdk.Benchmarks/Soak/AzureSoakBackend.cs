using Azure.Core;
using Azure.Core.Pipeline;
using Secrets.Sdk.Azure;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Soak;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Benchmarks.Soak;

/// <summary>Azure Key Vault: the real <c>SecretClient</c> over HTTPS to the emulator, five secrets, rotations as new versions.</summary>
internal sealed class AzureSoakBackend : ISoakBackend
{
    private AzureKeyVaultEmulator _vault = null!;
    private HttpClient _http = null!;

    public string Name => "Azure";

    public int Sources => 1;

    public async Task StartAsync(ManualTimeProvider time, string firstValue)
    {
        _vault = new AzureKeyVaultEmulator(time);
        await _vault.StartAsync();
        _http = new HttpClient(EmulatorCertificate.TrustingHandler(_vault.Certificate));
        for (var i = 1; i <= 4; i++)
        {
            _vault.SetSecret($"Fixed{i}", $"fixed value {i}");
        }

        Rotate(firstValue);
    }

    public void AddSource(SecretsManagerBuilder builder, Action<SecretSourceOptions> tuning) =>
        builder.AddAzureKeyVault(_vault.VaultUri, new EmulatorToken(), o =>
        {
            o.ClientOptions.Transport = new HttpClientTransport(_http);
            o.ClientOptions.DisableChallengeResourceVerification = true;
            tuning(o);
        });

    public long Requests => _vault.Faults.Handled;

    public bool OwnsSource(string source) => false;

    public void Rotate(string value) => _vault.SetSecret("Soak", $$"""{"Rotating":"{{value}}"}""");

    public void TrimHistory() => EmulatorHistory.Clear(_vault);

    public async ValueTask DisposeAsync()
    {
        await _vault.DisposeAsync();
        _http.Dispose();
    }

    private sealed class EmulatorToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(AzureKeyVaultEmulator.AccessToken, DateTimeOffset.UtcNow.AddDays(3650));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
