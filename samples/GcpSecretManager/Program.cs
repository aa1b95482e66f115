// Secrets.Sdk + GCP Secret Manager: secrets -> IOptionsMonitor<T> with a live rotation, a CRC32C integrity failure kept
// out of configuration, and envelope encryption under a Cloud KMS key. The same code runs against the real services:
//
//   dotnet run --project samples/GcpSecretManager                     in-process Secret Manager + KMS emulator
//   dotnet run --project samples/GcpSecretManager -- PROJECT [FILTER] [projects/P/locations/L/keyRings/R/cryptoKeys/K]
//                                                                     the real services with application default
//                                                                     credentials (gcloud auth application-default login,
//                                                                     GOOGLE_APPLICATION_CREDENTIALS, workload identity)
using System.Security.Cryptography;
using System.Text;
using GcpSecretManager;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Secrets.Sdk;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Encryption;
using Secrets.Sdk.Gcp;

if (args.Length > 0)
{
    // The real services: exactly the calls below, with application default credentials and no emulator settings.
    using var realHost = BuildHost(project: args[0], filter: args.Length > 1 ? args[1] : null, credential: null, endpoint: null, explicitSecrets: false);
    await realHost.StartAsync();
    var configuration = realHost.Services.GetRequiredService<IConfiguration>();
    Console.WriteLine($"Loaded {configuration.AsEnumerable().Count(kv => kv.Value is not null)} keys from project {args[0]} (names only):");
    foreach (var (key, _) in configuration.AsEnumerable().Where(kv => kv.Value is not null).OrderBy(kv => kv.Key, StringComparer.Ordinal))
    {
        Console.WriteLine("     " + key);
    }

    if (args.Length > 2)
    {
        using var realKek = new GcpKmsKeyEncryptionKey(args[2]);
        var realEncryptor = new EnvelopeEncryptor(realKek);
        var roundTrip = await realEncryptor.DecryptAsync(await realEncryptor.EncryptAsync("hello"u8.ToArray()));
        Console.WriteLine($"Envelope round trip under {realKek.KeyId}: {Encoding.UTF8.GetString(roundTrip)}");
    }

    await realHost.StopAsync();
    return 0;
}

await using var gcp = new GcpEmulator();
await gcp.StartAsync();
var orders = new Dictionary<string, string> { ["app"] = "orders" };
gcp.CreateSecret("Database__User", "orders_app", orders);
gcp.CreateSecret("Database__Password", "correct-horse-battery", orders);
gcp.CreateSecret("Billing__Token", "not-for-orders", new Dictionary<string, string> { ["app"] = "billing" });
gcp.CreateSecret("stripe-key", """{"ApiKey":"sk_live_example"}""");
gcp.CreateSecret("legacy-token", "tampered");
gcp.CorruptCrc("legacy-token");
Console.WriteLine($"1. Started a Secret Manager + Cloud KMS emulator at {gcp.Address} (bearer auth, project number in names)");
Console.WriteLine("   with Database__User, Database__Password (label app=orders), Billing__Token (app=billing), stripe-key (JSON)");
Console.WriteLine("   and legacy-token, whose dataCrc32c does not match its payload.");

using var host = BuildHost(GcpEmulator.ProjectId, "labels.app=orders", GcpCredential.FromAccessToken(GcpEmulator.Token), gcp.Address, explicitSecrets: true);
await host.StartAsync();

var config = host.Services.GetRequiredService<IConfiguration>();
var monitor = host.Services.GetRequiredService<IOptionsMonitor<DatabaseOptions>>();
var manager = host.Services.GetRequiredService<ISecretsManager>();
Print("2. Loaded (filter labels.app=orders, '__' as ':'):", monitor.CurrentValue);
Console.WriteLine($"     Stripe:ApiKey = {Mask(config["Stripe:ApiKey"])}  (explicit secret at 'latest', JSON flattened)");
Console.WriteLine($"     Legacy:Token  = {config["Legacy:Token"] ?? "(kept out)"}  failed secrets: {string.Join(", ", manager.Sources[0].FailedSecrets)} (CRC32C mismatch)");

var notifications = 0;
using var subscription = monitor.OnChange(_ => Interlocked.Increment(ref notifications));
gcp.AddVersion("Database__Password", "tr0ub4dor-and-3");
Console.WriteLine("3. Rotated Database__Password (version 2 is now 'latest').");

var accesses = gcp.Count("versions.access");
var lists = gcp.Count("secrets.list");
await manager.RefreshAsync();   // one access per secret (the cheap quota), no list (discovery runs hourly)
await manager.RefreshAsync();   // nothing new: the same accesses, no event
Print($"4. After two refreshes ({gcp.Count("versions.access") - accesses} accesses, {gcp.Count("secrets.list") - lists} lists, {Volatile.Read(ref notifications)} OnChange notification):", monitor.CurrentValue);

var keyName = gcp.CreateCryptoKey("global", "orders", "kek");
using var kek = new GcpKmsKeyEncryptionKey(keyName, GcpCredential.FromAccessToken(GcpEmulator.Token), gcp.Address);
var encryptor = new EnvelopeEncryptor(kek);
var sealedOld = await encryptor.EncryptAsync("order 1234: card on file"u8.ToArray());
var firstKeyId = kek.KeyId;
gcp.RotateCryptoKey(keyName);
kek.PrimaryVersionRefreshInterval = TimeSpan.Zero;   // learn the new primary version at once (default: hourly)
var sealedNew = await encryptor.EncryptAsync("order 1235: card on file"u8.ToArray());
var opened = await encryptor.DecryptAsync(sealedOld);
Console.WriteLine($"5. Envelope encryption under Cloud KMS: sealed under {firstKeyId[(firstKeyId.LastIndexOf('/') + 1)..]}, rotated the key");
Console.WriteLine($"   (now {kek.KeyId[(kek.KeyId.LastIndexOf('/') + 1)..]}), then decrypted the old message: \"{Encoding.UTF8.GetString(opened)}\" ({sealedOld.Length} and {sealedNew.Length} bytes sealed)");

await host.StopAsync();
var ok = Volatile.Read(ref notifications) == 1 && monitor.CurrentValue.Password == "tr0ub4dor-and-3" && config["Legacy:Token"] is null;
Console.WriteLine(ok ? "Done: one rotation, one change notification, the tampered value never loaded, no restart." : "Unexpected: see above.");
return ok ? 0 : 1;

static IHost BuildHost(string project, string? filter, GcpCredential? credential, Uri? endpoint, bool explicitSecrets)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Critical);   // the sample prints what matters; the integrity error is logged at Error
    builder.AddSecretsManager(secrets => secrets.AddGcpSecretManager(gcp =>
    {
        gcp.ProjectId = project;             // default: GOOGLE_CLOUD_PROJECT, then the credential's project
        gcp.Filter = filter;                 // discovery with Secret Manager's list filter, every DiscoveryInterval (1 h)
        if (explicitSecrets)
        {
            gcp.AddSecret("stripe-key", version: "latest", section: "Stripe");                   // explicit: no list permission needed
            gcp.AddSecret("legacy-token", section: "Legacy:Token", optional: true);              // fails its CRC32C check
        }

        gcp.Credential = credential;         // null: application default credentials
        gcp.Endpoint = endpoint;             // null: https://secretmanager.googleapis.com/
        gcp.RefreshInterval = TimeSpan.FromMinutes(5);
    }));
    builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection("Database"));
    return builder.Build();
}

static void Print(string title, DatabaseOptions options)
{
    Console.WriteLine(title);
    Console.WriteLine($"     Database:User     = {options.User}");
    Console.WriteLine($"     Database:Password = {Mask(options.Password)}");
}

// Never print a secret: show its length and a short one-way fingerprint, enough to see that it changed.
static string Mask(string? secret) => secret is null
    ? "(missing)"
    : $"******** ({secret.Length} chars, sha256 {Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))[..12].ToLowerInvariant()})";
