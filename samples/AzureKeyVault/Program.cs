// Secrets.Sdk + Azure Key Vault: secrets -> IOptionsMonitor<T> with a live rotation, and envelope encryption under a
// Key Vault key. The same code runs against a real vault:
//
//   dotnet run --project samples/AzureKeyVault                         in-process Key Vault emulator (no Azure account)
//   dotnet run --project samples/AzureKeyVault -- https://NAME.vault.azure.net/ [KEY-NAME]
//                                                                      a real vault, DefaultAzureCredential (az login,
//                                                                      managed identity, workload identity, ...)
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Identity;
using AzureKeyVault;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Secrets.Sdk;
using Secrets.Sdk.Azure;
using Secrets.Sdk.Encryption;

if (args.Length > 0)
{
    // A real vault: exactly the calls below, with DefaultAzureCredential and no emulator settings.
    var vaultUri = new Uri(args[0]);
    var credential = new DefaultAzureCredential();
    using var realHost = BuildHost(vaultUri, credential, configureClient: null);
    await realHost.StartAsync();
    var configuration = realHost.Services.GetRequiredService<IConfiguration>();
    Console.WriteLine($"Loaded {configuration.AsEnumerable().Count(kv => kv.Value is not null)} keys from {vaultUri} (names only):");
    foreach (var (key, _) in configuration.AsEnumerable().Where(kv => kv.Value is not null).OrderBy(kv => kv.Key, StringComparer.Ordinal))
    {
        Console.WriteLine("     " + key);
    }

    if (args.Length > 1)
    {
        var kek = new AzureKeyVaultKeyEncryptionKey(new Uri(vaultUri, "keys/" + args[1]), credential);
        var roundTrip = await new EnvelopeEncryptor(kek).DecryptAsync(await new EnvelopeEncryptor(kek).EncryptAsync("hello"u8.ToArray()));
        Console.WriteLine($"Envelope round trip under {args[1]}: {Encoding.UTF8.GetString(roundTrip)}");
    }

    await realHost.StopAsync();
    return 0;
}

await using var vault = await LocalVault.StartAsync();
Console.WriteLine($"1. Started a Key Vault emulator at {vault.Emulator.VaultUri} (HTTPS, challenge auth) with secrets");
Console.WriteLine("   orders-Database--User, orders-Database--Password, orders-Legacy--Token (disabled), shared-stripe-key (JSON)");

await Task.Delay(TimeSpan.FromMilliseconds(1100)); // load in a later second than the seeding (see step 4)
using var host = BuildHost(vault.Emulator.VaultUri, vault.Credential, client =>
{
    client.Transport = vault.Transport;                      // trusts the emulator's generated certificate
    client.DisableChallengeResourceVerification = true;      // the challenge names vault.azure.net; the host is 127.0.0.1
});
await host.StartAsync();

var config = host.Services.GetRequiredService<IConfiguration>();
var monitor = host.Services.GetRequiredService<IOptionsMonitor<DatabaseOptions>>();
Print("2. Loaded (prefix 'orders-' stripped, '--' as ':'; the disabled secret skipped, not a failure):", monitor.CurrentValue);
Console.WriteLine($"     Stripe:ApiKey = {Mask(config["Stripe:ApiKey"])}  (explicit secret, JSON flattened)");

var notifications = 0;
using var subscription = monitor.OnChange(_ => Interlocked.Increment(ref notifications));

vault.Emulator.SetSecret("orders-Database--Password", "tr0ub4dor-and-3");
Console.WriteLine("3. Rotated orders-Database--Password (a new version in the vault).");

// Key Vault's listing reports "updated" in whole seconds, so a value read in the second it was written is read once more
// by the next refresh, to be sure. The demo refreshes a second later, so the count below is exactly the one rotation.
await Task.Delay(TimeSpan.FromMilliseconds(1100));

var manager = host.Services.GetRequiredService<ISecretsManager>();
var reads = vault.Emulator.Count("get");
await manager.RefreshAsync();   // lists properties; reads only the one secret whose version changed
await manager.RefreshAsync();   // nothing new: no value read, no event
Print($"4. After two refreshes ({vault.Emulator.Count("get") - reads} value read, {Volatile.Read(ref notifications)} OnChange notification):", monitor.CurrentValue);

var kekId = new Uri(vault.Emulator.VaultUri, "keys/orders-kek");
var keyOptions = new AzureKeyVaultKeyOptions { Transport = vault.Transport, DisableChallengeResourceVerification = true };
var encryptor = new EnvelopeEncryptor(new AzureKeyVaultKeyEncryptionKey(kekId, vault.Credential, keyOptions));
var sealedOld = await encryptor.EncryptAsync("order 1234: card on file"u8.ToArray());
vault.Emulator.CreateRsaKey("orders-kek");
var sealedNew = await encryptor.EncryptAsync("order 1235: card on file"u8.ToArray());
var opened = await encryptor.DecryptAsync(sealedOld);
Console.WriteLine($"5. Envelope encryption under Key Vault key orders-kek (RSA-OAEP-256): rotated the key, then decrypted a");
Console.WriteLine($"   message sealed before the rotation: \"{Encoding.UTF8.GetString(opened)}\" ({sealedOld.Length} and {sealedNew.Length} bytes sealed)");

await host.StopAsync();
var ok = Volatile.Read(ref notifications) == 1 && monitor.CurrentValue.Password == "tr0ub4dor-and-3";
Console.WriteLine(ok ? "Done: one rotation, one change notification, no restart." : "Unexpected: the rotation was not seen exactly once.");
return ok ? 0 : 1;

static IHost BuildHost(Uri vaultUri, TokenCredential credential, Action<Azure.Security.KeyVault.Secrets.SecretClientOptions>? configureClient)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.AddSecretsManager(secrets => secrets.AddAzureKeyVault(vaultUri, credential, kv =>
    {
        kv.NamePrefix = "orders-";                              // discovery: list properties, keep names with the prefix, strip it
        kv.AddSecret("shared-stripe-key", section: "Stripe");  // explicit: no List permission needed for it
        kv.RefreshInterval = TimeSpan.FromMinutes(5);
        configureClient?.Invoke(kv.ClientOptions);
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
