using System.Net;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Azure;
using Secrets.Sdk.Azure.Tests;
using Secrets.Sdk.Testing.Emulators.Faults;

namespace Secrets.Sdk.Testing.Emulators.Tests;

public sealed class AzureKeyVaultEmulatorTests
{
    [Fact]
    public async Task SetAndRotatedSecret_ReachTheAzureBackend_DeleteSecretHidesIt()
    {
        await using var vault = new AzureKeyVaultEmulator();
        await vault.StartAsync();
        using var http = new HttpClient(EmulatorCertificate.TrustingHandler(vault.Certificate));
        vault.SetSecret("Orders--Password", "v1");
        using var configuration = Build(vault, http);

        Assert.Equal(Uri.UriSchemeHttps, vault.VaultUri.Scheme);
        Assert.Equal("v1", configuration["Orders:Password"]);
        vault.SetSecret("Orders--Password", "v2");
        Assert.True((await configuration.GetSecretsManager().RefreshAsync()).Succeeded);
        Assert.Equal("v2", configuration["Orders:Password"]);
        Assert.True(vault.DeleteSecret("Orders--Password"));
        Assert.False(vault.DeleteSecret("Orders--Password"));
        using var afterDelete = Build(vault, http);
        Assert.Null(afterDelete["Orders:Password"]);
    }

    [Fact]
    public async Task FaultPolicy_AnswersTheInjectedStatusWithRetryAfter_OverTheTrustedCertificate()
    {
        await using var vault = new AzureKeyVaultEmulator();
        await vault.StartAsync();
        using var http = new HttpClient(EmulatorCertificate.TrustingHandler(vault.Certificate));
        vault.Faults.Policy = _ => EmulatorFault.Throttled(TimeSpan.FromSeconds(2));

        using var answer = await http.GetAsync(new Uri(vault.VaultUri, "secrets?api-version=7.5"));

        Assert.Equal((HttpStatusCode)429, answer.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), answer.Headers.RetryAfter?.Delta);
        Assert.Equal(1, vault.Faults.Count(EmulatorFaultKind.Throttled));
    }

    private static ConfigurationRoot Build(AzureKeyVaultEmulator vault, HttpClient http) =>
        (ConfigurationRoot)new ConfigurationBuilder()
            .AddSecretsManager(secrets => secrets.AddAzureKeyVault(vault.VaultUri, new FixedTokenCredential(AzureKeyVaultEmulator.AccessToken), options =>
            {
                options.ClientOptions.Transport = new HttpClientTransport(http);
                options.ClientOptions.DisableChallengeResourceVerification = true;
                options.RefreshInterval = null;
                options.Resilience.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
                options.Resilience.CircuitBreakerEnabled = false;
            }))
            .Build();
}
