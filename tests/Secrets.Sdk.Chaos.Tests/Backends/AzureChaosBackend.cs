using Azure.Core;
using Azure.Core.Pipeline;
using Secrets.Sdk.Azure;
using Secrets.Sdk.Chaos.Tests.Harness;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Testing.Emulators.Faults;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Chaos.Tests.Backends;

/// <summary>Azure Key Vault: the real <c>SecretClient</c> over HTTPS to the emulator, rotations as new versions.</summary>
internal sealed class AzureChaosBackend : EmulatorChaosBackend
{
    private AzureKeyVaultEmulator _vault = null!;
    private HttpClient _http = null!;

    public override string Name => "Azure";

    public override EmulatorFaultInjector? Faults => _vault.Faults;

    public override async Task StartAsync(ManualTimeProvider time)
    {
        _vault = new AzureKeyVaultEmulator(time);
        await _vault.StartAsync();
        Client = new CountingHandler(EmulatorCertificate.TrustingHandler(_vault.Certificate));
        _http = new HttpClient(Client, disposeHandler: false);
    }

    public override void Write(string secret, string value) => _vault.SetSecret(secret, value);

    public override void AddSource(SecretsManagerBuilder builder, Action<SecretSourceOptions> tuning) =>
        builder.AddAzureKeyVault(_vault.VaultUri, new EmulatorToken(), o =>
        {
            o.ClientOptions.Transport = new HttpClientTransport(_http);
            o.ClientOptions.DisableChallengeResourceVerification = true;
            tuning(o);
        });

    public override async ValueTask DisposeAsync()
    {
        await _vault.DisposeAsync();
        _http.Dispose();
        await base.DisposeAsync();
    }

    private sealed class EmulatorToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(AzureKeyVaultEmulator.AccessToken, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
