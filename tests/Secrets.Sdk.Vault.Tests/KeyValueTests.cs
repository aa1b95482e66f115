using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Vault.Tests;

public sealed class KeyValueTests
{
    [Fact]
    public async Task KvV2Tree_LoadsRecursively_FolderSecretsUnderTheirRelativePath()
    {
        await using var f = await VaultFixture.StartAsync();
        f.Vault.PutKv("secret", "orders/production/db", new Dictionary<string, string> { ["username"] = "app", ["password"] = "p1" });
        f.Vault.PutKv("secret", "orders/production/api", new Dictionary<string, string> { ["key"] = "k1" });
        f.Vault.PutKv("secret", "orders/production/features/beta", new Dictionary<string, string> { ["enabled"] = "true" });
        f.Vault.PutKv("secret", "billing/other", new Dictionary<string, string> { ["x"] = "no" });

        var config = f.Build(v => v.AddKeyValue("secret", "orders/production"));

        Assert.Equal("app", config["db:username"]);
        Assert.Equal("p1", config["db:password"]);
        Assert.Equal("k1", config["api:key"]);
        Assert.Equal("true", config["features:beta:enabled"]);
        Assert.Null(config["x"]);
    }

    [Fact]
    public async Task SingleSecretPath_PlacesFieldsAtRootOrSection_AndKvVersionIsDetected()
    {
        await using var f = await VaultFixture.StartAsync();
        f.Vault.EnableKv("kv1", 1);
        f.Vault.PutKv("secret", "orders/production", new Dictionary<string, string> { ["ConnectionStrings:Db"] = "Server=db" });
        f.Vault.PutKv("kv1", "legacy/app", new Dictionary<string, string> { ["token"] = "t1" });

        var config = f.Build(v =>
        {
            v.AddKeyValue("secret", "orders/production");
            v.AddKeyValue("kv1", "legacy/app");
        });

        Assert.Equal("Server=db", config["ConnectionStrings:Db"]);
        Assert.Equal("t1", config["token"]);
        Assert.Equal(1, f.Vault.Count("GET sys/internal/ui/mounts/kv1"));
        Assert.Equal(0, f.Vault.Count("GET kv1/metadata"));
    }

    [Fact]
    public async Task Rotation_GivesOneOptionsMonitorChange_NoChangeRefreshReadsOnlyMetadata()
    {
        await using var f = await VaultFixture.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            f.Vault.PutKv("secret", $"app/s{i}", new Dictionary<string, string> { ["value"] = "v" + i });
        }

        f.Vault.PutKv("secret", "app/db", new Dictionary<string, string> { ["Password"] = "p1" });
        using var host = f.BuildHost(v => v.AddKeyValue("secret", "app"), b => b.Services.Configure<Db>(b.Configuration.GetSection("db")));
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<Db>>();
        var manager = host.Services.GetRequiredService<ISecretsManager>();
        var changes = new List<string?>();
        using var subscription = monitor.OnChange(o => { lock (changes) { changes.Add(o.Password); } });

        var dataReads = f.Vault.Count("GET secret/data/");
        await manager.RefreshAsync();
        Assert.Equal(dataReads, f.Vault.Count("GET secret/data/"));
        Assert.Empty(changes);

        f.Vault.PutKv("secret", "app/db", new Dictionary<string, string> { ["Password"] = "p2" });
        await manager.RefreshAsync();
        await manager.RefreshAsync();

        Assert.Equal(["p2"], changes);
        Assert.Equal(dataReads + 1, f.Vault.Count("GET secret/data/"));
        await host.StopAsync();
    }

    [Fact]
    public async Task DeletedAndDestroyedVersions_AreSkipped()
    {
        await using var f = await VaultFixture.StartAsync();
        f.Vault.PutKv("secret", "app/keep", new Dictionary<string, string> { ["v"] = "1" });
        f.Vault.PutKv("secret", "app/gone", new Dictionary<string, string> { ["v"] = "2" });
        f.Vault.PutKv("secret", "app/burnt", new Dictionary<string, string> { ["v"] = "3" });
        f.Vault.DeleteLatestKv("secret", "app/gone");
        f.Vault.DeleteLatestKv("secret", "app/burnt", destroy: true);

        var config = f.Build(v => v.AddKeyValue("secret", "app"));

        Assert.Equal("1", config["keep:v"]);
        Assert.Null(config["gone:v"]);
        Assert.Null(config["burnt:v"]);
    }

    [Fact]
    public async Task PermissionDenied_FailsStartupNamingThePath()
    {
        await using var f = await VaultFixture.StartAsync();
        f.Vault.PutKv("secret", "orders/db", new Dictionary<string, string> { ["p"] = "x" });
        var token = f.Vault.CreateToken(null, null, VaultEmulatorPolicy.ReadOnly("secret/data/billing/"));

        var ex = Assert.Throws<SecretsLoadException>(() => f.Build(v =>
        {
            v.Authentication = VaultAuthentication.Token(token);
            v.AddKeyValue("secret", "orders/db", version: 2, neverList: true);
        }));

        Assert.Contains("secret/", ex.Message, StringComparison.Ordinal);
        Assert.Contains("orders/db", ex.Message, StringComparison.Ordinal);
        Assert.Contains("permission denied", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NeverListMode_WorksWithATokenWithoutListCapability()
    {
        await using var f = await VaultFixture.StartAsync();
        f.Vault.PutKv("secret", "orders/db", new Dictionary<string, string> { ["password"] = "p" });
        f.Vault.PutKv("secret", "orders/api", new Dictionary<string, string> { ["key"] = "k" });
        var token = f.Vault.CreateToken(null, null, VaultEmulatorPolicy.ReadOnly("secret/data/orders/"), VaultEmulatorPolicy.ReadOnly("secret/metadata/orders/"));

        var listing = Assert.Throws<SecretsLoadException>(() => f.Build(v =>
        {
            v.Authentication = VaultAuthentication.Token(token);
            v.AddKeyValue("secret", "orders", version: 2);
        }));
        Assert.Contains("neverList", listing.Message, StringComparison.Ordinal);
        var lists = f.Vault.Count("LIST ");

        var config = f.Build(v =>
        {
            v.Authentication = VaultAuthentication.Token(token);
            v.AddKeyValue("secret", "orders", version: 2, neverList: true, "db", "api");
        });

        Assert.Equal("p", config["db:password"]);
        Assert.Equal("k", config["api:key"]);
        Assert.Equal(lists, f.Vault.Count("LIST "));
    }

    [Fact]
    public async Task Sealed_ServesStaleValues_HealthDegraded_ThenRecovers()
    {
        await using var f = await VaultFixture.StartAsync();
        f.Vault.PutKv("secret", "app/db", new Dictionary<string, string> { ["password"] = "p1" });
        using var host = f.BuildHost(v =>
        {
            v.AddKeyValue("secret", "app");
            v.DegradedAfter = TimeSpan.FromMinutes(1);
            v.Resilience.MaxRetryAttempts = 0;
        });
        await host.StartAsync();
        var config = host.Services.GetRequiredService<IConfiguration>();
        var manager = host.Services.GetRequiredService<ISecretsManager>();
        var health = host.Services.GetRequiredService<HealthCheckService>();

        f.Vault.Sealed = true;
        var failed = await manager.RefreshAsync();
        f.Time.Advance(TimeSpan.FromMinutes(2));

        Assert.False(failed.Succeeded);
        Assert.Contains("Vault is sealed", failed.Failures.Values.Single().Message, StringComparison.Ordinal);
        Assert.Equal("p1", config["db:password"]);
        Assert.Equal(HealthStatus.Degraded, (await health.CheckHealthAsync()).Status);

        f.Vault.Sealed = false;
        f.Vault.PutKv("secret", "app/db", new Dictionary<string, string> { ["password"] = "p2" });
        Assert.True((await manager.RefreshAsync()).Succeeded);
        Assert.Equal("p2", config["db:password"]);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);
        await host.StopAsync();
    }

    [Fact]
    public async Task RateLimited_429_IsRetriedHonouringRetryAfter()
    {
        await using var f = await VaultFixture.StartAsync();
        f.Vault.PutKv("secret", "app/db", new Dictionary<string, string> { ["password"] = "p1" });
        var config = f.Build(v => v.AddKeyValue("secret", "app"));
        f.Vault.PutKv("secret", "app/db", new Dictionary<string, string> { ["password"] = "p2" });
        f.Vault.FailNext(1, 429);

        var refresh = config.GetSecretsManager().RefreshAsync();
        // The retry waits exactly the Retry-After the emulator sent (1 s), not the exponential base delay.
        await Waits.UntilAsync(() => f.Vault.Count("GET secret/metadata/app/db") >= 1 && f.Time.NextTimerDueAt - f.Time.GetUtcNow() == TimeSpan.FromSeconds(1), "the Retry-After delay");
        f.Time.Advance(TimeSpan.FromSeconds(1));
        var result = await refresh.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(result.Succeeded);
        Assert.Equal("p2", config["db:password"]);
    }

    [Fact]
    public void Options_PlainHttpToRemoteHost_IsRefused_LoopbackAllowed()
    {
        var remote = new VaultSourceOptions { Address = new Uri("http://vault.internal:8200"), Authentication = VaultAuthentication.Token("t") };
        remote.AddKeyValue("secret", "x");
        var ex = Assert.Throws<ArgumentException>(remote.Validate);
        Assert.Contains("AllowInsecureHttp", ex.Message, StringComparison.Ordinal);

        var local = new VaultSourceOptions { Address = new Uri("http://127.0.0.1:8200"), Authentication = VaultAuthentication.Token("t") };
        local.AddKeyValue("secret", "x");
        local.Validate();
    }

    public sealed class Db
    {
        public string? Password { get; set; }
    }
}
