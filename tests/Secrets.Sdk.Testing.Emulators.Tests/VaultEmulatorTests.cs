using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Testing.Emulators.Faults;
using Secrets.Sdk.Vault;

namespace Secrets.Sdk.Testing.Emulators.Tests;

public sealed class VaultEmulatorTests
{
    [Fact]
    public async Task StartAsync_ListensOnLoopbackWithAFreePort_DisposeAsyncStopsIt()
    {
        var vault = new VaultEmulator();
        await vault.StartAsync();
        var address = vault.Address;
        using var http = new HttpClient();

        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(address.Host)));
        Assert.NotEqual(0, address.Port);
        using (var answer = await http.GetAsync(new Uri(address, "v1/auth/token/lookup-self")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        }

        await vault.DisposeAsync();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri(address, "v1/auth/token/lookup-self")));
    }

    [Fact]
    public async Task SeededAndRotatedKv_ReachTheVaultBackend_DeleteRemovesIt()
    {
        await using var vault = new VaultEmulator();
        await vault.StartAsync();
        vault.EnableKv("secret", version: 2);
        vault.PutKv("secret", "orders/Database", new Dictionary<string, string> { ["Password"] = "v1" });
        using var configuration = Build(vault);

        Assert.Equal("v1", configuration["Database:Password"]);
        vault.PutKv("secret", "orders/Database", new Dictionary<string, string> { ["Password"] = "v2" });
        Assert.True((await configuration.GetSecretsManager().RefreshAsync()).Succeeded);
        Assert.Equal("v2", configuration["Database:Password"]);
        vault.DeleteLatestKv("secret", "orders/Database");
        using var afterDelete = Build(vault);
        Assert.Null(afterDelete["Database:Password"]);
    }

    [Fact]
    public async Task FaultPolicy_AnswersTheInjectedStatus_ThenTheNormalAnswer()
    {
        await using var vault = new VaultEmulator();
        await vault.StartAsync();
        vault.EnableKv("secret", version: 2);
        vault.PutKv("secret", "orders/Database", new Dictionary<string, string> { ["Password"] = "v1" });
        using var configuration = Build(vault);
        using var http = new HttpClient();

        vault.Faults.Policy = _ => EmulatorFault.Throttled(TimeSpan.FromSeconds(3));
        using (var answer = await http.GetAsync(new Uri(vault.Address, "v1/secret/data/orders/Database")))
        {
            Assert.Equal((HttpStatusCode)429, answer.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(3), answer.Headers.RetryAfter?.Delta);
        }

        Assert.False((await configuration.GetSecretsManager().RefreshAsync()).Succeeded);
        Assert.Equal("v1", configuration["Database:Password"]);
        Assert.True(vault.Faults.Count(EmulatorFaultKind.Throttled) >= 2);
        vault.Faults.Policy = null;
        Assert.True((await configuration.GetSecretsManager().RefreshAsync()).Succeeded);
    }

    [Fact]
    public async Task KvV2_KeepsMaxVersions_TheOldestDeletedAsVaultDoes()
    {
        await using var vault = new VaultEmulator();
        await vault.StartAsync();
        vault.EnableKv("secret", version: 2);
        using var http = RootClient(vault);

        var last = 0;
        for (var i = 1; i <= 13; i++)
        {
            last = vault.PutKv("secret", "orders/Database", new Dictionary<string, string> { ["Password"] = "v" + i });
        }

        Assert.Equal(13, last);
        var metadata = await ReadDataAsync(http, "v1/secret/metadata/orders/Database");
        Assert.Equal(13, metadata.GetProperty("current_version").GetInt32());
        Assert.Equal(4, metadata.GetProperty("oldest_version").GetInt32());
        Assert.Equal(Enumerable.Range(4, 10).Select(v => v.ToString(CultureInfo.InvariantCulture)), metadata.GetProperty("versions").EnumerateObject().Select(p => p.Name));
        var latest = await ReadDataAsync(http, "v1/secret/data/orders/Database");
        Assert.Equal("v13", latest.GetProperty("data").GetProperty("Password").GetString());
        Assert.Equal(13, latest.GetProperty("metadata").GetProperty("version").GetInt32());

        // The mount's max_versions, then the secret's own, take effect at the next write.
        vault.SetKvMaxVersions("secret", 3);
        vault.PutKv("secret", "orders/Database", new Dictionary<string, string> { ["Password"] = "v14" });
        Assert.Equal(["12", "13", "14"], (await ReadDataAsync(http, "v1/secret/metadata/orders/Database")).GetProperty("versions").EnumerateObject().Select(p => p.Name));
        vault.SetKvMaxVersions("secret", 5, "orders/Database");
        vault.PutKv("secret", "orders/Database", new Dictionary<string, string> { ["Password"] = "v15" });
        var own = await ReadDataAsync(http, "v1/secret/metadata/orders/Database");
        Assert.Equal(["12", "13", "14", "15"], own.GetProperty("versions").EnumerateObject().Select(p => p.Name));
        Assert.Equal(5, own.GetProperty("max_versions").GetInt32());
    }

    [Fact]
    public async Task RevokedAndExpiredLeasesAndTokens_AreForgotten_BeyondTheLastFew()
    {
        var time = new ManualTimeProvider();
        await using var vault = new VaultEmulator(time);
        await vault.StartAsync();
        vault.AddDatabaseRole("orders-rw", TimeSpan.FromHours(1), TimeSpan.FromHours(6));
        using var http = RootClient(vault);

        var first = await IssueAsync(http);
        await RevokeAsync(http, first);
        Assert.True(vault.IsLeaseRevoked(first));
        for (var i = 0; i < 99; i++)
        {
            await RevokeAsync(http, await IssueAsync(http));
        }

        var held = vault.LeasesUnder("database/creds/orders-rw");
        Assert.InRange(held.Count, 1, 40);
        Assert.DoesNotContain(first, held);
        Assert.False(vault.IsLeaseRevoked(first)); // Forgotten, as Vault forgets it ...
        using (var renewal = await http.PutAsync(new Uri("v1/sys/leases/renew", UriKind.Relative), JsonContent.Create(new Dictionary<string, string> { ["lease_id"] = first })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, renewal.StatusCode); // ... and to a client it answers as a revoked lease does.
        }

        // Leases left to expire are forgotten too; a live one is kept.
        for (var i = 0; i < 100; i++)
        {
            await IssueAsync(http);
        }

        time.Advance(TimeSpan.FromHours(2));
        var live = await IssueAsync(http);
        Assert.InRange(vault.LeasesUnder("database/creds/orders-rw").Count, 1, 40);
        Assert.True(vault.IsLeaseValid(live));

        // Tokens: 100 issued with a 1-minute TTL, expired, then forgotten at the next login or token issued.
        var tokens = Enumerable.Range(0, 100).Select(_ => vault.CreateToken(TimeSpan.FromMinutes(1), null, VaultEmulatorPolicy.All(string.Empty))).ToArray();
        Assert.True(vault.TokenCount > 100);
        time.Advance(TimeSpan.FromMinutes(2));
        var fresh = vault.CreateToken(TimeSpan.FromMinutes(1), null, VaultEmulatorPolicy.All(string.Empty));
        Assert.InRange(vault.TokenCount, 2, 40);
        Assert.True(vault.IsTokenValid(fresh));
        Assert.True(vault.IsTokenValid(VaultEmulator.RootToken));
        Assert.False(vault.IsTokenValid(tokens[0]));
    }

    private static HttpClient RootClient(VaultEmulator vault)
    {
        var http = new HttpClient { BaseAddress = vault.Address };
        http.DefaultRequestHeaders.Add("X-Vault-Token", VaultEmulator.RootToken);
        return http;
    }

    private static async Task<JsonElement> ReadDataAsync(HttpClient http, string path) => (await ReadAsync(http, path)).GetProperty("data");

    private static async Task<JsonElement> ReadAsync(HttpClient http, string path)
    {
        using var answer = await http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        using var document = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    private static async Task<string> IssueAsync(HttpClient http) =>
        (await ReadAsync(http, "v1/database/creds/orders-rw")).GetProperty("lease_id").GetString()!;

    private static async Task RevokeAsync(HttpClient http, string leaseId)
    {
        using var answer = await http.PutAsync(new Uri("v1/sys/leases/revoke", UriKind.Relative), JsonContent.Create(new Dictionary<string, string> { ["lease_id"] = leaseId }));
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
    }

    private static ConfigurationRoot Build(VaultEmulator vault) =>
        (ConfigurationRoot)new ConfigurationBuilder()
            .AddSecretsManager(secrets => secrets.AddVault(options =>
            {
                options.Address = vault.Address;
                options.Authentication = VaultAuthentication.Token(VaultEmulator.RootToken);
                options.AddKeyValue(mount: "secret", path: "orders");
                options.RefreshInterval = null;
                options.Resilience.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
                options.Resilience.CircuitBreakerEnabled = false;
            }))
            .Build();
}
