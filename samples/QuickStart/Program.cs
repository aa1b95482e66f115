// Secrets.Sdk quickstart: mounted Kubernetes-style secrets -> IOptionsMonitor<T>, with a live rotation.
// Needs no server: the "mount" is a temporary directory written the way the kubelet writes Secret volumes.
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QuickStart;
using Secrets.Sdk;

using var mount = new KubeletStyleDirectory();
mount.Write(new Dictionary<string, string>
{
    ["Database__Host"] = "db.orders.svc.cluster.local",
    ["Database__Username"] = "orders_app",
    ["Database__Password"] = "correct-horse-battery-staple\n",
});
Console.WriteLine($"1. Wrote a kubelet-style secrets mount at {mount.Root}");
Console.WriteLine("   (files Database__Host, Database__Username, Database__Password, linked through ..data)");

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.AddSecretsManager(secrets => secrets.AddMountedFiles(mount.Root, files =>
{
    files.PollingInterval = TimeSpan.FromMilliseconds(500); // short, so the demo is quick; the default is 10 s
}));
builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection("Database"));

using var host = builder.Build();
await host.StartAsync();

var monitor = host.Services.GetRequiredService<IOptionsMonitor<DatabaseOptions>>();
Print("2. Loaded into IOptionsMonitor<DatabaseOptions>:", monitor.CurrentValue);

var changed = new TaskCompletionSource<DatabaseOptions>(TaskCreationOptions.RunContinuationsAsynchronously);
var notifications = 0;
using var subscription = monitor.OnChange(options =>
{
    Interlocked.Increment(ref notifications);
    changed.TrySetResult(options);
});

mount.Write(new Dictionary<string, string>
{
    ["Database__Host"] = "db.orders.svc.cluster.local",
    ["Database__Username"] = "orders_app",
    ["Database__Password"] = "tr0ub4dor-and-3\n",
});
Console.WriteLine("3. Rotated the password with an atomic ..data swap (what the kubelet does on a Secret update).");

try
{
    var updated = await changed.Task.WaitAsync(TimeSpan.FromSeconds(30));
    Print("4. IOptionsMonitor.OnChange fired with the new value:", updated);
    await host.Services.GetRequiredService<ISecretsManager>().RefreshAsync(); // one more look: nothing new, so no event
    Console.WriteLine($"5. OnChange notifications for one rotation: {Volatile.Read(ref notifications)}");
    Console.WriteLine("Done: the application picked up the rotated password without a restart.");
}
catch (TimeoutException)
{
    Console.Error.WriteLine("No change notification arrived within 30 seconds; the rotation was not picked up.");
    Environment.ExitCode = 1;
}

await host.StopAsync();

static void Print(string title, DatabaseOptions options)
{
    Console.WriteLine(title);
    Console.WriteLine($"     Host     = {options.Host}");
    Console.WriteLine($"     Username = {options.Username}");
    Console.WriteLine($"     Password = {Mask(options.Password)}");
}

// Never print a secret: show its length and a short one-way fingerprint, enough to see that it changed.
static string Mask(string secret) =>
    $"******** ({secret.Length} chars, sha256 {Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))[..12].ToLowerInvariant()})";
