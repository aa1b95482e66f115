using Amazon.Runtime;
using Azure.Core;
using Azure.Core.Pipeline;
using Secrets.Sdk.Aws;
using Secrets.Sdk.Azure;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Gcp;

namespace Secrets.Sdk.Cli.Tests;

/// <summary>
/// What a declared source cannot say in appsettings.json and the emulators need: credentials (the vendors' chains would
/// look for a cloud) and, for Key Vault, trust in the emulator's self-signed certificate. Endpoints stay in the file.
/// </summary>
internal static class EmulatorBackends
{
    public static CliBackends Aws(string secretAccessKey = Secrets.Sdk.Testing.Emulators.AwsEmulator.SecretAccessKey) => new()
    {
        ConfigureSources = s => s.ConfigureDeclaredSources<AwsSecretsManagerSourceOptions>(o =>
            o.Credentials = new BasicAWSCredentials(Secrets.Sdk.Testing.Emulators.AwsEmulator.AccessKeyId, secretAccessKey)),
    };

    public static CliBackends Azure(AzureKeyVaultEmulator vault, string token = AzureKeyVaultEmulator.AccessToken) => new()
    {
        ConfigureSources = s => s.ConfigureDeclaredSources<AzureKeyVaultSourceOptions>(o =>
        {
            o.Credential = new StaticTokenCredential(token);
            o.ClientOptions.Transport = new HttpClientTransport(EmulatorCertificate.TrustingHandler(vault.Certificate));
            o.ClientOptions.DisableChallengeResourceVerification = true; // The challenge names vault.azure.net; the host is 127.0.0.1.
        }),
    };

    public static CliBackends Gcp(string token = Secrets.Sdk.Testing.Emulators.GcpEmulator.Token) => new()
    {
        ConfigureSources = s => s.ConfigureDeclaredSources<GcpSecretManagerSourceOptions>(o => o.Credential = GcpCredential.FromAccessToken(token)),
    };

    /// <summary>An Azure credential that hands out one fixed token (the emulator's, or a wrong one).</summary>
    internal sealed class StaticTokenCredential(string token) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
