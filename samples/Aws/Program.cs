// Secrets.Sdk + AWS Secrets Manager: prefix discovery -> IOptionsMonitor<T>, one rotation with one change notification,
// and an on-demand read by the source's name. The same code runs against the real service:
//
//   dotnet run --project samples/Aws                               in-process Secrets Manager emulator (no AWS account)
//   dotnet run --project samples/Aws -- eu-west-1 [NAME-PREFIX]     the real service, AWS default credential chain
//                                                                  (environment, profile, IRSA web identity, instance role)
using Amazon.Runtime;
using System.Security.Cryptography;
using System.Text;
using AwsSample;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Secrets.Sdk;
using Secrets.Sdk.Aws;
using Secrets.Sdk.Testing.Emulators;

if (args.Length > 0)
{
    // The real service: exactly the calls below with the region, the default credential chain and no service URL.
    using var realHost = BuildHost(args[0], args.ElementAtOrDefault(1) ?? "prod/orders/", serviceUrl: null, credentials: null);
    await realHost.StartAsync();
    var configuration = realHost.Services.GetRequiredService<IConfiguration>();
    Console.WriteLine($"Loaded {configuration.AsEnumerable().Count(kv => kv.Value is not null)} keys from Secrets Manager in {args[0]} (names only):");
    foreach (var (key, _) in configuration.AsEnumerable().Where(kv => kv.Value is not null).OrderBy(kv => kv.Key, StringComparer.Ordinal))
    {
        Console.WriteLine("     " + key);
    }

    await realHost.StopAsync();
    return 0;
}

await using var aws = new AwsEmulator();
await aws.StartAsync();
aws.CreateSecret("prod/orders/Database", """{"Host":"db.orders.internal","Username":"orders_app","Password":"aws-password-1"}""");
aws.CreateSecret("prod/orders/Features/Beta", "on");
aws.CreateSecret("prod/billing/Other", "not ours");
aws.CreateSecret("tenants/acme/api-key", "acme-api-key");
Console.WriteLine($"1. Started a Secrets Manager emulator at {aws.Address} (SigV4 checked) with prod/orders/Database (JSON),");
Console.WriteLine("   prod/orders/Features/Beta, prod/billing/Other (another prefix) and tenants/acme/api-key (read on demand)");

using var host = BuildHost("us-east-1", "prod/orders/", aws.Address, new BasicAWSCredentials(AwsEmulator.AccessKeyId, AwsEmulator.SecretAccessKey));
await host.StartAsync();
var config = host.Services.GetRequiredService<IConfiguration>();
var monitor = host.Services.GetRequiredService<IOptionsMonitor<DatabaseOptions>>();
var manager = host.Services.GetRequiredService<ISecretsManager>();
Print("2. Loaded (prefix stripped, '/' as ':', JSON flattened; prod/billing/* not listed):", monitor.CurrentValue);
Console.WriteLine($"     Features:Beta     = {config["Features:Beta"]}");

var notifications = 0;
using var subscription = monitor.OnChange(_ => Interlocked.Increment(ref notifications));
aws.Rotate("prod/orders/Database", """{"Host":"db.orders.internal","Username":"orders_app","Password":"aws-password-2"}""");
Console.WriteLine("3. Rotated prod/orders/Database (a new AWSCURRENT version).");
await manager.RefreshAsync();   // lists versions; reads only the secret whose version changed
await manager.RefreshAsync();   // nothing new: no value read, no event
Print($"4. After two refreshes ({Volatile.Read(ref notifications)} OnChange notification):", monitor.CurrentValue);

// On demand: a secret outside the prefix, read through the configured source by its name and cached for its TTL.
using var cache = manager.CreateCache("orders-aws", new SecretCacheOptions { TimeToLive = TimeSpan.FromMinutes(5) });
var reads = aws.Count("GetSecretValue") + aws.Count("BatchGetSecretValue");
var apiKey = await cache.GetAsync("tenants/acme/api-key");
await cache.GetAsync("tenants/acme/api-key");
var onDemandReads = aws.Count("GetSecretValue") + aws.Count("BatchGetSecretValue") - reads;
Console.WriteLine($"5. On demand through source 'orders-aws': tenants/acme/api-key = {Mask(apiKey.GetText())}, read twice, {onDemandReads} backend read");

await host.StopAsync();
var ok = Volatile.Read(ref notifications) == 1 && monitor.CurrentValue.Password == "aws-password-2" && onDemandReads == 1;
Console.WriteLine(ok ? "Done: one rotation, one change notification, one on-demand read." : "Unexpected: see the counts above.");
return ok ? 0 : 1;

static IHost BuildHost(string region, string prefix, Uri? serviceUrl, AWSCredentials? credentials)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.AddSecretsManager(secrets => secrets.AddAwsSecretsManager(aws =>
    {
        aws.Name = "orders-aws";          // the name CreateCache, health and /secrets/status use
        aws.Region = region;
        aws.NamePrefix = prefix;          // list secrets with this prefix, strip it: prod/orders/Database -> Database
        aws.ServiceUrl = serviceUrl;      // null: the real regional endpoint
        aws.Credentials = credentials;    // null: the AWS default credential chain
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
