// A new user's app over every Secrets.Sdk package, restored from the packed .nupkg files (see eng/check-packages.sh,
// run by .ci/run). It needs no server of its own: it starts the emulators of Secrets.Sdk.Testing.Emulators on
// 127.0.0.1 (port 0) and reads real values through each backend as an application would -- a Vault KV v2 secret, an
// AWS Secrets Manager secret, an Azure Key Vault secret over HTTPS (trusting the emulator's certificate) and a GCP
// Secret Manager secret with a token obtained from a service-account key file -- next to a mounted-files directory
// and one optional source pointed at a closed loopback port (its error path runs and fails fast without failing
// startup). It also runs an envelope-encryption round trip under a local key and under Vault Transit, AWS KMS, Azure
// Key Vault keys and GCP Cloud KMS (each on its emulator), an in-memory store on a fake clock, and the ASP.NET Core
// status endpoint. Every wait is bounded. Exit code 0 only when every check holds.
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Secrets.Sdk;
using Secrets.Sdk.Aws;
using Secrets.Sdk.Azure;
using Secrets.Sdk.Encryption;
using Secrets.Sdk.Gcp;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Vault;

var failures = new List<string>();
void Check(bool condition, string what)
{
    Console.WriteLine($"{(condition ? "ok  " : "FAIL")} {what}");
    if (!condition)
    {
        failures.Add(what);
    }
}

// Every wait below ends within this budget, whatever a server does.
using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
var bounded = deadline.Token;

using var meters = Sdk.CreateMeterProviderBuilder().AddSecretsInstrumentation().Build();

// 1. Testing package: rotation seen after the poll interval on a FakeTimeProvider.
var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
var store = new InMemorySecretStore(timeProvider: time);
store.Set("Api--Key", "v1");
var fakeClockConfig = new ConfigurationBuilder()
    .AddSecretsManager(secrets =>
    {
        secrets.TimeProvider = time;
        secrets.AddStore(store, new SecretSourceOptions { RefreshInterval = TimeSpan.FromMinutes(5), RefreshJitter = 0 });
    })
    .Build();
var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
fakeClockConfig.GetSecretsManager().Changed += (_, _) => changed.TrySetResult();
store.Set("Api--Key", "v2");
time.Advance(TimeSpan.FromMinutes(5)); // the engine armed the poll's timer before Build() returned
await changed.Task.WaitAsync(bounded);
Check(fakeClockConfig["Api:Key"] == "v2", "in-memory store: rotation seen after one poll on FakeTimeProvider");
(fakeClockConfig as IDisposable)?.Dispose();

// 2. The emulators, seeded as an operator would seed the real services.
await using var vaultServer = new VaultEmulator();
await using var awsServer = new AwsEmulator();
await using var azureServer = new AzureKeyVaultEmulator();
await using var gcpServer = new GcpEmulator();
await using var gcpTokens = new GcpTokenEmulator();
await Task.WhenAll(vaultServer.StartAsync(), awsServer.StartAsync(), azureServer.StartAsync(), gcpServer.StartAsync(), gcpTokens.StartAsync()).WaitAsync(bounded);
vaultServer.EnableKv("secret", version: 2);
vaultServer.PutKv("secret", "consumer/Vault", new Dictionary<string, string> { ["Password"] = "from-vault" });
vaultServer.CreateTransitKey("consumer");
awsServer.CreateSecret("consumer/Aws/Password", "from-aws");
var awsKmsKey = awsServer.CreateKmsKey();
azureServer.SetSecret("Azure--Password", "from-azure");
azureServer.CreateRsaKey("consumer-kek");
gcpServer.CreateSecret("Gcp__Password", "from-gcp");
var gcpCryptoKey = gcpServer.CreateCryptoKey("global", "consumer", "kek");

// Azure Key Vault is HTTPS only: the client trusts exactly the emulator's generated certificate, and the challenge
// names vault.azure.net while the host is 127.0.0.1 (DisableChallengeResourceVerification).
using var azureHttp = new HttpClient(EmulatorCertificate.TrustingHandler(azureServer.Certificate)) { Timeout = TimeSpan.FromSeconds(30) };
var azureTransport = new HttpClientTransport(azureHttp);
var azureCredential = new FixedTokenCredential(AzureKeyVaultEmulator.AccessToken);

// 3. GCP credentials without Google.Apis.Auth: a service-account key file is read, its RSA key imported and an RS256
//    assertion signed and exchanged at the token emulator (which verifies it) for the token Secret Manager accepts.
using var gcpCredential = await FromKeyFileAsync(gcpTokens.CreateServiceAccountKeyFile("app@emulator-project.iam.gserviceaccount.com"), bounded);
Check(await gcpCredential.GetProjectIdAsync(bounded) == GcpEmulator.ProjectId, "GCP key file: project_id read");

// 4. Mounted files, every cloud backend on its emulator, and one unreachable optional source, on the real clock.
var closedPort = ClosedLoopbackPort();
var mount = Directory.CreateTempSubdirectory("secrets-consumer-");
try
{
    await File.WriteAllTextAsync(Path.Combine(mount.FullName, "Database__Password"), "from-a-file\n", bounded);
    var configuration = new ConfigurationBuilder()
        .AddSecretsManager(secrets =>
        {
            secrets.OptionalSourceWait = TimeSpan.FromSeconds(10);
            secrets.AddMountedFiles(mount.FullName);
            secrets.AddVault(vault =>
            {
                vault.Address = vaultServer.Address; // plain HTTP to loopback is allowed (with a warning)
                vault.Authentication = VaultAuthentication.Token(VaultEmulator.RootToken);
                vault.AddKeyValue(mount: "secret", path: "consumer");
            });
            secrets.AddAwsSecretsManager(aws =>
            {
                aws.Region = "us-east-1";
                aws.NamePrefix = "consumer/";
                aws.Credentials = new BasicAWSCredentials(AwsEmulator.AccessKeyId, AwsEmulator.SecretAccessKey);
                aws.ServiceUrl = awsServer.Address;
            });
            secrets.AddAzureKeyVault(azureServer.VaultUri, azureCredential, azure =>
            {
                azure.ClientOptions.Transport = azureTransport;
                azure.ClientOptions.DisableChallengeResourceVerification = true;
            });
            secrets.AddGcpSecretManager(gcp =>
            {
                gcp.ProjectId = GcpEmulator.ProjectId;
                gcp.Credential = gcpCredential;
                gcp.Endpoint = gcpServer.Address;
            });
            secrets.AddVault(vault =>
            {
                vault.Name = "vault-unreachable";
                vault.Address = new Uri($"http://127.0.0.1:{closedPort}");
                vault.Authentication = VaultAuthentication.Token("consumer-token");
                vault.AddKeyValue(mount: "secret", path: "app");
                vault.Optional = true;
                vault.Resilience.MaxRetryAttempts = 0;
                vault.Resilience.CircuitBreakerEnabled = false;
            });
        })
        .Build();
    var sources = configuration.GetSecretsManager().Sources;
    foreach (var s in sources)
    {
        Console.WriteLine($"     source {s.Name}: loaded={s.IsLoaded} loading={s.IsLoading} error={s.LastError is not null} failedSecrets={s.FailedSecrets.Count}");
    }

    Check(configuration["Database:Password"] == "from-a-file", "mounted files: Database__Password -> Database:Password");
    Check(configuration["Vault:Password"] == "from-vault", "Vault KV v2 (emulator): secret/consumer/Vault -> Vault:Password");
    Check(configuration["Aws:Password"] == "from-aws", "AWS Secrets Manager (emulator, SigV4 verified): consumer/Aws/Password -> Aws:Password");
    Check(configuration["Azure:Password"] == "from-azure", "Azure Key Vault (emulator, HTTPS): Azure--Password -> Azure:Password");
    Check(configuration["Gcp:Password"] == "from-gcp", "GCP Secret Manager (emulator): Gcp__Password -> Gcp:Password");
    Check(gcpTokens.TokenRequests >= 1, $"GCP key file: the signed assertion was exchanged for a token ({gcpTokens.TokenRequests} request(s))");
    Check(sources.Count == 6, $"six sources registered (got {sources.Count})");
    var failed = sources.Where(s => !s.IsLoaded || s.LastError is not null || s.FailedSecrets.Count > 0).Select(s => s.Name).ToList();
    Check(failed is ["vault-unreachable"], $"only the unreachable source failed, as an optional source, without failing startup (failed: {string.Join(", ", failed)})");
    (configuration as IDisposable)?.Dispose();
}
catch (SecretsLoadException ex)
{
    // A required source that cannot load fails the build; the message names the source, never a value.
    Check(false, $"startup with the emulators: {ex.Message}");
}
finally
{
    mount.Delete(recursive: true);
}

// 5. Envelope encryption: a round trip under a local key and under each key service's emulator.
var context = new Dictionary<string, string> { ["app"] = "consumer" };
await RoundTripAsync(new LocalKeyEncryptionKey(RandomNumberGenerator.GetBytes(32), keyId: "consumer:v1"), "local key", () => true);
await using (var transit = new VaultTransitKeyEncryptionKey(new VaultTransitOptions
{
    Address = vaultServer.Address,
    Authentication = VaultAuthentication.Token(VaultEmulator.RootToken),
    KeyName = "consumer",
}))
{
    await RoundTripAsync(transit, "Vault Transit (emulator)", () => vaultServer.Count("POST transit/encrypt/consumer") == 1);
}

using (var kms = new AmazonKeyManagementServiceClient(
    new BasicAWSCredentials(AwsEmulator.AccessKeyId, AwsEmulator.SecretAccessKey),
    new AmazonKeyManagementServiceConfig { ServiceURL = awsServer.Address.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0, Timeout = TimeSpan.FromSeconds(30) }))
using (var awsKek = new AwsKmsKeyEncryptionKey(kms, awsKmsKey))
{
    await RoundTripAsync(awsKek, "AWS KMS (emulator, SigV4 verified)", () => awsServer.Count("GenerateDataKey") == 1 && awsServer.Count("Decrypt") == 1 && awsServer.SignatureFailures == 0);
}

var azureKek = new AzureKeyVaultKeyEncryptionKey(
    new Uri(azureServer.VaultUri, "keys/consumer-kek"),
    azureCredential,
    new AzureKeyVaultKeyOptions { Transport = azureTransport, DisableChallengeResourceVerification = true });
await RoundTripAsync(azureKek, "Azure Key Vault key (emulator, HTTPS)", () => azureServer.Count("wrapkey") == 1 && azureServer.Count("unwrapkey") == 1);

using (var gcpKek = new GcpKmsKeyEncryptionKey(gcpCryptoKey, gcpCredential, gcpServer.Address))
{
    await RoundTripAsync(gcpKek, "GCP Cloud KMS (emulator, CRC32C checked)", () => gcpServer.Count("decrypt") == 1);
}

// 6. ASP.NET Core: the status endpoint on 127.0.0.1 (port 0).
var web = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
web.WebHost.UseUrls("http://127.0.0.1:0");
var webStore = new InMemorySecretStore();
webStore.Set("Web--Greeting", "hello");
web.AddSecretsManager(secrets => secrets.AddStore(webStore));
await using (var app = web.Build())
{
    app.MapSecretsStatus();
    await app.StartAsync(bounded);
    using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
    using var response = await http.GetAsync(new Uri("/secrets/status", UriKind.Relative), bounded);
    Check(response.StatusCode == HttpStatusCode.OK, $"GET /secrets/status is 200 (got {(int)response.StatusCode})");
    Check(app.Configuration["Web:Greeting"] == "hello", "host configuration holds the store's secret");
    await app.StopAsync(bounded);
}

Console.WriteLine(failures.Count == 0 ? "consumer: all checks passed" : $"consumer: {failures.Count} check(s) failed");
return failures.Count == 0 ? 0 : 1;

// Encrypts and decrypts one message under the key; the check also asks the emulator whether the key service was used.
async Task RoundTripAsync(IKeyEncryptionKey kek, string what, Func<bool> serverSawIt)
{
    var plaintext = "attack at dawn"u8.ToArray();
    try
    {
        using var encryptor = new EnvelopeEncryptor(kek);
        var message = await encryptor.EncryptAsync(plaintext, context, bounded);
        var opened = await encryptor.DecryptAsync(message, context, bounded);
        Check(opened.AsSpan().SequenceEqual(plaintext) && serverSawIt(), $"envelope encryption round trip: {what}");
    }
    catch (Exception ex) // a check program: any failure of the key service is reported as FAIL, with its message
    {
        Check(false, $"envelope encryption round trip: {what} ({ex.GetType().Name}: {ex.Message})");
    }
}

// Writes the key file as `gcloud iam service-accounts keys create` would, and reads it as an app does (the credential
// reads the file when created, so it is deleted right after).
static async Task<GcpCredential> FromKeyFileAsync(string keyFileJson, CancellationToken cancellationToken)
{
    var keyFile = Path.Combine(Path.GetTempPath(), $"secrets-consumer-key-{Guid.NewGuid():N}.json");
    try
    {
        await File.WriteAllTextAsync(keyFile, keyFileJson, cancellationToken);
        return GcpCredential.FromServiceAccountKeyFile(keyFile);
    }
    finally
    {
        File.Delete(keyFile);
    }
}

static int ClosedLoopbackPort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

/// <summary>A credential that hands out the Key Vault emulator's fixed token (what a real app gets from Entra ID).</summary>
internal sealed class FixedTokenCredential(string token) : TokenCredential
{
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(token, DateTimeOffset.UtcNow.AddHours(1));

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
