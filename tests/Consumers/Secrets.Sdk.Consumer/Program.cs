// A new user's app over every Secrets.Sdk package, restored from the packed .nupkg files (see .ci/run). It runs with
// no server: an in-memory store on a fake clock, a mounted-files directory, envelope encryption with a local key, the
// ASP.NET Core status endpoint on 127.0.0.1, and each cloud backend as an optional source pointed at a closed loopback
// port (so its client, credentials and error path run and fail fast). Exit code 0 only when every check holds.
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Amazon.Runtime;
using Azure.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Secrets.Sdk;
using Secrets.Sdk.Encryption;
using Secrets.Sdk.Gcp;
using Secrets.Sdk.Testing;
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
await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));
Check(fakeClockConfig["Api:Key"] == "v2", "in-memory store: rotation seen after one poll on FakeTimeProvider");
(fakeClockConfig as IDisposable)?.Dispose();

// 2. Files + every cloud backend (optional, unreachable) on the real clock.
var closedPort = ClosedLoopbackPort();
var mount = Directory.CreateTempSubdirectory("secrets-consumer-");
try
{
    await File.WriteAllTextAsync(Path.Combine(mount.FullName, "Database__Password"), "from-a-file\n");
    var configuration = new ConfigurationBuilder()
        .AddSecretsManager(secrets =>
        {
            secrets.OptionalSourceWait = TimeSpan.FromSeconds(10);
            secrets.AddMountedFiles(mount.FullName);
            secrets.AddVault(vault =>
            {
                vault.Address = new Uri($"http://127.0.0.1:{closedPort}");
                vault.AllowInsecureHttp = true;
                vault.Authentication = VaultAuthentication.Token("consumer-token");
                vault.AddKeyValue(mount: "secret", path: "app");
                Unreachable(vault);
            });
            secrets.AddAwsSecretsManager(aws =>
            {
                aws.Region = "us-east-1";
                aws.NamePrefix = "consumer/";
                aws.Credentials = new BasicAWSCredentials("AKIDCONSUMER", "consumer-secret");
                aws.ServiceUrl = new Uri($"http://127.0.0.1:{closedPort}");
                Unreachable(aws);
            });
            secrets.AddAzureKeyVault(new Uri($"https://127.0.0.1:{closedPort}/"), new FixedTokenCredential(), Unreachable);
            secrets.AddGcpSecretManager(gcp =>
            {
                gcp.ProjectId = "consumer";
                gcp.AddSecret("api-key");
                gcp.Credential = GcpCredential.FromAccessToken("consumer-token");
                gcp.Endpoint = new Uri($"http://127.0.0.1:{closedPort}/");
                Unreachable(gcp);
            });
        })
        .Build();
    Check(configuration["Database:Password"] == "from-a-file", "mounted files: Database__Password -> Database:Password");
    var sources = configuration.GetSecretsManager().Sources;
    foreach (var s in sources)
    {
        Console.WriteLine($"     source {s.Name}: loaded={s.IsLoaded} loading={s.IsLoading} error={s.LastError is not null} failedSecrets={s.FailedSecrets.Count}");
    }

    Check(sources.Count == 5, $"five sources registered (got {sources.Count})");
    // A source that cannot list fails as a whole; one that reads named secrets (GCP here) fails per secret.
    Check(sources.Count(s => (!s.IsLoaded && s.LastError is not null) || s.FailedSecrets.Count > 0) == 4, "the four unreachable backends failed, as optional sources, without failing startup");
    (configuration as IDisposable)?.Dispose();
}
finally
{
    mount.Delete(recursive: true);
}

// 3. Encryption: envelope round trip under a local key.
var keyBytes = RandomNumberGenerator.GetBytes(32);
using (var encryptor = new EnvelopeEncryptor(new LocalKeyEncryptionKey(keyBytes, keyId: "consumer:v1")))
{
    var context = new Dictionary<string, string> { ["app"] = "consumer" };
    var plaintext = "attack at dawn"u8.ToArray();
    var message = await encryptor.EncryptAsync(plaintext, context);
    var opened = await encryptor.DecryptAsync(message, context);
    Check(opened.AsSpan().SequenceEqual(plaintext), "envelope encryption round trip");
}

// 4. GCP credentials without Google.Apis.Auth: a service-account key file is read, its RSA key imported and an RS256
//    assertion signed; the token endpoint (a closed loopback port) is unreachable, which is a transient error.
using (var rsa = RSA.Create(2048))
{
    var keyFile = Path.Combine(Path.GetTempPath(), $"secrets-consumer-key-{Guid.NewGuid():N}.json");
    var pem = rsa.ExportPkcs8PrivateKeyPem().Replace("\n", "\\n", StringComparison.Ordinal);
    await File.WriteAllTextAsync(keyFile, $$"""{"type":"service_account","project_id":"consumer","private_key_id":"k1","private_key":"{{pem}}","client_email":"app@consumer.iam.gserviceaccount.com","token_uri":"http://127.0.0.1:{{closedPort}}/token"}""");
    try
    {
        using var credential = GcpCredential.FromServiceAccountKeyFile(keyFile);
        Check(await credential.GetProjectIdAsync() == "consumer", "GCP key file: project_id read");
        var error = await Record(async () => await credential.GetAccessTokenAsync());
        Check(error is SecretStoreException { IsTransient: true } && error.Message.Contains("app@consumer", StringComparison.Ordinal), $"GCP key file: token request to a closed port is a transient error naming the account ({error?.GetType().Name})");
    }
    finally
    {
        File.Delete(keyFile);
    }
}

// 5. ASP.NET Core: the status endpoint on 127.0.0.1 (port 0).
var web = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
web.WebHost.UseUrls("http://127.0.0.1:0");
var webStore = new InMemorySecretStore();
webStore.Set("Web--Greeting", "hello");
web.AddSecretsManager(secrets => secrets.AddStore(webStore));
await using (var app = web.Build())
{
    app.MapSecretsStatus();
    await app.StartAsync();
    using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
    using var response = await http.GetAsync(new Uri("/secrets/status", UriKind.Relative));
    Check(response.StatusCode == HttpStatusCode.OK, $"GET /secrets/status is 200 (got {(int)response.StatusCode})");
    Check(app.Configuration["Web:Greeting"] == "hello", "host configuration holds the store's secret");
    await app.StopAsync();
}

Console.WriteLine(failures.Count == 0 ? "consumer: all checks passed" : $"consumer: {failures.Count} check(s) failed");
return failures.Count == 0 ? 0 : 1;

static async Task<Exception?> Record(Func<Task> action)
{
    try
    {
        await action();
        return null;
    }
    catch (Exception ex)
    {
        return ex;
    }
}

static void Unreachable(SecretSourceOptions options)
{
    options.Optional = true;
    options.Resilience.MaxRetryAttempts = 0;
    options.Resilience.CircuitBreakerEnabled = false;
}

static int ClosedLoopbackPort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

/// <summary>A credential that hands out a fixed token (the app never reaches a real vault).</summary>
internal sealed class FixedTokenCredential : TokenCredential
{
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new("consumer-token", DateTimeOffset.UtcNow.AddHours(1));

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
