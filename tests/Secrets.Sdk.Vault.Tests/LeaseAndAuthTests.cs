using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Vault.Tests;

public sealed class LeaseAndAuthTests
{
    [Fact]
    public async Task DynamicCredential_RenewedThenRotatedAtMaxTtl_OneChange_OldLeaseRevoked_NeverExpiredInConfig()
    {
        await using var f = await VaultFixture.StartAsync();
        f.Vault.AddDatabaseRole("orders-rw", ttl: TimeSpan.FromHours(1), maxTtl: TimeSpan.FromHours(3));
        using var host = f.BuildHost(
            v => v.AddDynamicSecret("database/creds/orders-rw", section: "Database"),
            b => b.Services.Configure<Db>(b.Configuration.GetSection("Database")));
        await host.StartAsync();
        var config = host.Services.GetRequiredService<IConfiguration>();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<Db>>();
        var changes = 0;
        using var subscription = monitor.OnChange(_ => Interlocked.Increment(ref changes));
        var first = f.Vault.LeasesUnder("database/creds/orders-rw").Single();
        var firstUsername = monitor.CurrentValue.Username;
        Assert.NotNull(firstUsername);

        AssertCredentialLive(f, config);
        var start = f.Time.GetUtcNow();

        // TTL 1 h, max TTL 3 h, renewal at 2/3 (no jitter): renewed at 40, 80 and 120 min for a full hour each; at
        // 160 min Vault can only grant 20 min, so the credential is rotated; the old lease is revoked after the grace.
        var renewals = 0;
        foreach (var minutes in new[] { 40, 80, 120, 160 })
        {
            await AdvanceToTimerAsync(f, start + TimeSpan.FromMinutes(minutes));
            await Waits.UntilAsync(() => f.Vault.Count("PUT sys/leases/renew") == renewals + 1, $"the renewal at {minutes} min");
            renewals++;
            AssertCredentialLive(f, config);
        }

        await Waits.UntilAsync(() => f.Vault.LeasesUnder("database/creds/orders-rw").Count == 2, "the rotation");
        await Waits.UntilAsync(() => monitor.CurrentValue.Username != firstUsername, "the new credential to reach IOptionsMonitor");
        Assert.False(f.Vault.IsLeaseRevoked(first)); // still inside the grace period
        await AdvanceToTimerAsync(f, start + TimeSpan.FromMinutes(161));
        await Waits.UntilAsync(() => f.Vault.IsLeaseRevoked(first), "the old lease to be revoked after the grace period");

        Assert.Equal(1, Volatile.Read(ref changes));
        AssertCredentialLive(f, config);
        await host.StopAsync();
    }

    [Fact]
    public async Task AppRoleToken_ReachesMaxTtl_LogsInAgain_WithoutLosingConfiguration()
    {
        await using var f = await VaultFixture.StartAsync();
        f.Vault.AddAppRole("role-1", "secret-1", TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), VaultEmulatorPolicy.ReadList("secret/"));
        f.Vault.PutKv("secret", "app/db", new Dictionary<string, string> { ["password"] = "p1" });
        var config = f.Build(v =>
        {
            v.Authentication = VaultAuthentication.AppRole("role-1", "secret-1");
            v.AddKeyValue("secret", "app");
        });
        Assert.Equal(1, f.Vault.Count("POST auth/approle/login"));
        var start = f.Time.GetUtcNow();

        // Token TTL 30 min, max TTL 1 h, renewal at 2/3 (no jitter): renewed at 20 min for 30 min, then at 40 min Vault
        // can only grant 20 min (max TTL), so the lease manager logs in again.
        await AdvanceToTimerAsync(f, start + TimeSpan.FromMinutes(20));
        await Waits.UntilAsync(() => f.Vault.Count("POST auth/token/renew-self") == 1, "the first renewal");
        await AdvanceToTimerAsync(f, start + TimeSpan.FromMinutes(40));
        await Waits.UntilAsync(() => f.Vault.Count("POST auth/approle/login") == 2, "the new login at max TTL");

        Assert.Equal(2, f.Vault.Count("POST auth/approle/login"));
        f.Vault.PutKv("secret", "app/db", new Dictionary<string, string> { ["password"] = "p2" });
        f.Time.Advance(TimeSpan.FromMinutes(50)); // the first token is now past its max TTL
        var result = await config.GetSecretsManager().RefreshAsync();

        Assert.True(result.Succeeded, string.Join("; ", result.Failures.Values.Select(e => e.Message)));
        Assert.Equal("p2", config["db:password"]);
    }

    [Fact]
    public async Task RevokedToken_403_TriggersOneReloginAndRetry()
    {
        await using var f = await VaultFixture.StartAsync();
        f.Vault.AddJwtRole("kubernetes", "orders", "service-account-jwt", TimeSpan.FromHours(1), TimeSpan.FromHours(24), VaultEmulatorPolicy.ReadList("secret/"));
        f.Vault.PutKv("secret", "app/db", new Dictionary<string, string> { ["password"] = "p1" });
        var jwtFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(jwtFile, "service-account-jwt\n");
        try
        {
            var config = f.Build(v =>
            {
                v.Authentication = VaultAuthentication.Kubernetes("orders", jwtFile);
                v.AddKeyValue("secret", "app");
            });
            var firstToken = f.Vault.Requests.Count(r => r.StartsWith("POST auth/kubernetes/login", StringComparison.Ordinal));
            // Ended by the server, the clock not moved: the token's renewal loop (due at 40 min) must not act first, or
            // a renewal racing a 2-hour clock step could keep the token alive and no 403 would come (flaky once in 25).
            Assert.Equal(1, f.Vault.ExpireTokens());

            f.Vault.PutKv("secret", "app/db", new Dictionary<string, string> { ["password"] = "p2" });
            var result = await config.GetSecretsManager().RefreshAsync();

            Assert.True(result.Succeeded, string.Join("; ", result.Failures.Values.Select(e => e.Message)));
            Assert.Equal("p2", config["db:password"]);
            Assert.True(f.Vault.Count("POST auth/kubernetes/login") > firstToken);
        }
        finally
        {
            File.Delete(jwtFile);
        }
    }

    [Fact]
    public async Task LiveTokenWithoutCapability_403_DoesNotLogInAgain()
    {
        await using var f = await VaultFixture.StartAsync();
        f.Vault.AddAppRole("role-1", "secret-1", TimeSpan.FromHours(1), TimeSpan.FromHours(2), VaultEmulatorPolicy.ReadList("secret/data/other/"));
        f.Vault.PutKv("secret", "app/db", new Dictionary<string, string> { ["password"] = "p1" });

        var ex = Assert.Throws<SecretsLoadException>(() => f.Build(v =>
        {
            v.Authentication = VaultAuthentication.AppRole("role-1", "secret-1");
            v.AddKeyValue("secret", "app/db", version: 2, neverList: true);
        }));

        Assert.Contains("permission denied", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, f.Vault.Count("POST auth/approle/login"));
        Assert.True(f.Vault.Count("GET auth/token/lookup-self") >= 1);
    }

    [Fact]
    public async Task WrongAppRoleSecret_FailsStartupWithVaultsMessage()
    {
        await using var f = await VaultFixture.StartAsync();
        f.Vault.AddAppRole("role-1", "secret-1", TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), VaultEmulatorPolicy.ReadList("secret/"));
        f.Vault.PutKv("secret", "app/db", new Dictionary<string, string> { ["password"] = "p1" });

        var ex = Assert.Throws<SecretsLoadException>(() => f.Build(v =>
        {
            v.Authentication = VaultAuthentication.AppRole("role-1", "wrong");
            v.AddKeyValue("secret", "app");
        }));

        Assert.Contains("auth/approle/login", ex.Message, StringComparison.Ordinal);
        Assert.Contains("invalid role or secret ID", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Waits until the lease manager armed a timer for <paramref name="due"/>, then moves the clock there.</summary>
    private static async Task AdvanceToTimerAsync(VaultFixture f, DateTimeOffset due)
    {
        await Waits.UntilAsync(() => f.Time.PendingDueTimes.Contains(due), $"a timer due at {due:O}");
        f.Time.AdvanceTo(due);
    }

    private static void AssertCredentialLive(VaultFixture f, IConfiguration config)
    {
        var username = config["Database:username"];
        Assert.NotNull(username);
        var lease = f.Vault.LeaseOfUsername(username);
        Assert.NotNull(lease);
        Assert.True(f.Vault.IsLeaseValid(lease), $"configuration holds {username}, whose lease the emulator already expired or revoked");
    }

    public sealed class Db
    {
        public string? Username { get; set; }

        public string? Password { get; set; }
    }
}
