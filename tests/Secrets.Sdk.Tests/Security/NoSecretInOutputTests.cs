using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Security;

/// <summary>
/// Runs the engine's failure and rotation scenarios with sentinel secret values, captures every log line, exception
/// text, status, health description and ToString, and asserts no sentinel appears anywhere.
/// </summary>
public sealed class NoSecretInOutputTests
{
    private const string Sentinel = "S3NT1NEL";

    [Fact]
    public async Task Scenarios_NeverWriteASecretValueToLogsExceptionsStatusOrHealth()
    {
        var texts = new List<string>();
        var logs = new CapturingLoggerProvider();

        // 1. Startup failures: malformed declared JSON, duplicate keys, a denied secret.
        texts.Add(CaptureStartupFailure(store => store.Set("Json", $$"""{"password":"{{Sentinel}}-1",""", contentType: "application/json")));
        texts.Add(CaptureStartupFailure(store =>
        {
            store.Set("Db/Password", $"{Sentinel}-2");
            store.Set("Db__Password", $"{Sentinel}-3");
        }));
        texts.Add(CaptureStartupFailure(store =>
        {
            store.Set("Denied", $"{Sentinel}-4");
            store.FailSecret("Denied");
        }));

        // 2. A running host: rotation, refresh failures, a dynamic secret rotated, health checks.
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("Database", $$"""{"Password":"{{Sentinel}}-5"}""");
        store.SetDynamic("creds", n => $"{Sentinel}-dyn-{n}", TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(30), renewable: false);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        builder.AddSecretsManager(s =>
        {
            s.TimeProvider = time;
            var options = TestConfig.Options(o =>
            {
                o.RefreshInterval = null;
                o.DegradedAfter = TimeSpan.FromMinutes(1);
            });
            options.Leases.Jitter = 0;
            s.AddStore(store, options);
        });
        using var host = builder.Build();
        await host.StartAsync();
        var manager = host.Services.GetRequiredService<ISecretsManager>();
        var health = host.Services.GetRequiredService<HealthCheckService>();

        store.Set("Database", $$"""{"Password":"{{Sentinel}}-6"}""");
        await manager.RefreshAsync();
        store.Set("Database", $$"""{"Password":"{{Sentinel}}-7",""", contentType: "application/json");
        var failed = await manager.RefreshAsync();
        texts.AddRange(failed.Failures.Values.Select(e => e.ToString()));
        store.FailEverything();
        failed = await manager.RefreshAsync();
        texts.AddRange(failed.Failures.Values.Select(e => e.ToString()));
        time.Advance(TimeSpan.FromMinutes(2));
        var report = await health.CheckHealthAsync();
        texts.Add(report.Entries["secrets"].Description ?? string.Empty);
        texts.AddRange(report.Entries["secrets"].Data.Values.Select(v => v.ToString() ?? string.Empty));
        texts.AddRange(manager.Sources.Select(s => s.ToString()));
        store.ClearFailures();
        await Waits.UntilAsync(() => time.NextTimerDueAt is not null, "the lease timer");
        time.AdvanceTo(time.NextTimerDueAt!.Value);
        await Waits.UntilAsync(() => store.LeasesOf("creds").Count >= 2, "the dynamic secret to rotate");
        texts.Add(SecretValue.FromText($"{Sentinel}-8").ToString());
        texts.Add(new Secret(new SecretMetadata("x"), SecretValue.FromText($"{Sentinel}-9")).ToString());
        await host.StopAsync();

        texts.AddRange(logs.Messages);
        Assert.NotEmpty(logs.Messages);
        Assert.Contains(texts, t => t.Contains("not valid JSON", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("both map to configuration key", StringComparison.Ordinal));
        var leaks = texts.Where(t => t.Contains(Sentinel, StringComparison.Ordinal)).ToArray();
        Assert.True(leaks.Length == 0, "secret values leaked into: " + string.Join(" || ", leaks.Select(l => l[..Math.Min(200, l.Length)])));
    }

    private static string CaptureStartupFailure(Action<InMemorySecretStore> arrange)
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        arrange(store);
        var ex = Assert.Throws<SecretsLoadException>(() => TestConfig.Build(time, (store, TestConfig.Options())));
        return ex.ToString();
    }
}
