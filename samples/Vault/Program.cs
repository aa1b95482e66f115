// Secrets.Sdk + HashiCorp Vault: a KV v2 tree and a dynamic database credential -> IOptionsMonitor<T>, one rotation with
// one change notification, the credential's lease, and an on-demand read by the source's name. The same code runs
// against a real Vault:
//
//   dotnet run --project samples/Vault                                   in-process Vault emulator (no server needed)
//   VAULT_TOKEN=... dotnet run --project samples/Vault -- https://vault.internal:8200 [MOUNT] [PATH]
//                                                                        a real Vault (token auth here; use
//                                                                        VaultAuthentication.Kubernetes(...) in a pod)
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Secrets.Sdk;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Vault;
using VaultSample;

if (args.Length > 0)
{
    // A real Vault: exactly the calls below, pointed at its address, with a token from VAULT_TOKEN.
    var token = Environment.GetEnvironmentVariable("VAULT_TOKEN")
        ?? throw new InvalidOperationException("Set VAULT_TOKEN (or change the authentication to Kubernetes, AppRole or JWT).");
    using var realHost = BuildHost(new Uri(args[0]), VaultAuthentication.Token(token), args.ElementAtOrDefault(1) ?? "secret", args.ElementAtOrDefault(2) ?? "orders/production", dynamicSecret: null);
    await realHost.StartAsync();
    var configuration = realHost.Services.GetRequiredService<IConfiguration>();
    Console.WriteLine($"Loaded {configuration.AsEnumerable().Count(kv => kv.Value is not null)} keys from {args[0]} (names only):");
    foreach (var (key, _) in configuration.AsEnumerable().Where(kv => kv.Value is not null).OrderBy(kv => kv.Key, StringComparer.Ordinal))
    {
        Console.WriteLine("     " + key);
    }

    await realHost.StopAsync();
    return 0;
}

await using var vault = new VaultEmulator();
await vault.StartAsync();
vault.EnableKv("secret", 2);
vault.PutKv("secret", "orders/production/Database", new Dictionary<string, string> { ["Host"] = "db.orders.internal", ["Username"] = "orders_app", ["Password"] = "kv-password-1" });
vault.PutKv("secret", "tenants/acme", new Dictionary<string, string> { ["ApiKey"] = "acme-api-key" });
vault.AddDatabaseRole("orders-rw", ttl: TimeSpan.FromHours(1), maxTtl: TimeSpan.FromHours(24));
Console.WriteLine($"1. Started a Vault emulator at {vault.Address} with KV v2 secret/orders/production/Database,");
Console.WriteLine("   secret/tenants/acme (not loaded into configuration) and the dynamic role database/creds/orders-rw");

using var host = BuildHost(vault.Address, VaultAuthentication.Token(VaultEmulator.RootToken), "secret", "orders/production", "database/creds/orders-rw");
await host.StartAsync();
var config = host.Services.GetRequiredService<IConfiguration>();
var monitor = host.Services.GetRequiredService<IOptionsMonitor<DatabaseOptions>>();
var manager = host.Services.GetRequiredService<ISecretsManager>();
Print("2. Loaded (the KV tree's relative paths become sections):", monitor.CurrentValue);
Console.WriteLine($"     DynamicDatabase:username = {config["DynamicDatabase:username"]}  (a credential Vault minted for this process)");
Console.WriteLine($"     DynamicDatabase:password = {Mask(config["DynamicDatabase:password"])}");
var lease = manager.Sources.SelectMany(s => s.Secrets).Single(s => s.LeaseExpiresAt is not null);
Console.WriteLine($"     its lease expires at {lease.LeaseExpiresAt:u}; it is renewed at 2/3 of its life and rotated before max TTL");

var notifications = 0;
using var subscription = monitor.OnChange(_ => Interlocked.Increment(ref notifications));
vault.PutKv("secret", "orders/production/Database", new Dictionary<string, string> { ["Host"] = "db.orders.internal", ["Username"] = "orders_app", ["Password"] = "kv-password-2" });
Console.WriteLine("3. Wrote version 2 of secret/orders/production/Database.");
await manager.RefreshAsync();   // reads metadata; reads the value only of the secret whose version changed
await manager.RefreshAsync();   // nothing new: no value read, no event
Print($"4. After two refreshes ({Volatile.Read(ref notifications)} OnChange notification):", monitor.CurrentValue);

// On demand: a secret outside the configured tree, read through a configured source and cached for its TTL. One AddVault
// call adds a source per KV path plus one for its dynamic secrets, all named "orders-vault": pick one by its store name.
using var cache = manager.CreateCache("vault:secret/orders/production", new SecretCacheOptions { TimeToLive = TimeSpan.FromMinutes(5) });
var tenant = await cache.GetAsync("tenants/acme");
await cache.GetAsync("tenants/acme");
Console.WriteLine($"5. On demand through store 'vault:secret/orders/production': tenants/acme = {Mask(tenant.GetText())}, read twice, {vault.Count("GET secret/data/tenants/acme")} Vault read");

await host.StopAsync();
var ok = Volatile.Read(ref notifications) == 1 && monitor.CurrentValue.Password == "kv-password-2" && vault.Count("GET secret/data/tenants/acme") == 1;
Console.WriteLine(ok ? "Done: one rotation, one change notification, a leased credential, one on-demand read." : "Unexpected: see the counts above.");
return ok ? 0 : 1;

static IHost BuildHost(Uri address, VaultAuthentication authentication, string mount, string path, string? dynamicSecret)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.AddSecretsManager(secrets => secrets.AddVault(vault =>
    {
        vault.Name = "orders-vault";                          // the name CreateCache, health and /secrets/status use
        vault.Address = address;
        vault.Authentication = authentication;
        vault.AddKeyValue(mount, path);                      // every secret under the path; Database -> Database:*
        if (dynamicSecret is not null)
        {
            vault.AddDynamicSecret(dynamicSecret, section: "DynamicDatabase");
        }
    }));
    builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection("Database"));
    return builder.Build();
}

static void Print(string title, DatabaseOptions options)
{
    Console.WriteLine(title);
    Console.WriteLine($"     Database:Host     = {options.Host}");
    Console.WriteLine($"     Database:Username = {options.Username}");
    Console.WriteLine($"     Database:Password = {Mask(options.Password)}");
}

// Never print a secret: show its length and a short one-way fingerprint, enough to see that it changed.
static string Mask(string? secret) => secret is null
    ? "(missing)"
    : $"******** ({secret.Length} chars, sha256 {Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))[..12].ToLowerInvariant()})";
