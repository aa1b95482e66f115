using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Secrets.Sdk.Azure.Tests;

public sealed class KeyVaultSecretsTests
{
    [Fact]
    public async Task Discovery_ByPrefix_StripsPrefix_MapsDashes_FlattensJson_FollowsNextLink()
    {
        await using var f = await AzureFixture.StartAsync();
        f.Vault.PageSize = 2;
        f.SetSecret("orders-Database--Password", "p1");
        f.SetSecret("orders-Stripe", """{"ApiKey":"sk","Webhook":{"Secret":"wh"}}""", contentType: "application/json");
        f.SetSecret("orders-Banner", "{not json");
        f.SetSecret("billing-Other", "no");
        f.SetSecret("orders-Feature--Enabled", "on");

        var config = f.Build(o => o.NamePrefix = "orders-");

        Assert.Equal("p1", config["Database:Password"]);
        Assert.Equal("sk", config["Stripe:ApiKey"]);
        Assert.Equal("wh", config["Stripe:Webhook:Secret"]);
        Assert.Equal("{not json", config["Banner"]);
        Assert.Equal("on", config["Feature:Enabled"]);
        Assert.Null(config["Other"]);
        Assert.Null(config["billing-Other"]);
        Assert.Equal(3, f.Vault.Count("list")); // 5 secrets, pages of 2, absolute nextLink with $skiptoken
        Assert.Equal(4, f.Vault.Count("get"));  // only the prefix's secrets are read
        Assert.Equal(0, f.Vault.ApiVersionRejections);
        Assert.True(f.Vault.Challenges >= 1, "the SecretClient met the challenge first");
        Assert.Equal(["https://vault.azure.net/.default"], f.Credential.LastScopes);
    }

    [Fact]
    public async Task NeitherPrefixNorExplicitSecrets_LoadsTheWholeVault_KeyMapperOverrides()
    {
        await using var f = await AzureFixture.StartAsync();
        f.SetSecret("Database--Password", "p1");
        f.SetSecret("Api", "k");

        var config = f.Build(_ => { });
        Assert.Equal("p1", config["Database:Password"]);
        Assert.Equal("k", config["Api"]);

        var mapped = f.Build(o => o.KeyMapper = SecretKeyMapper.Create(s => "Custom:" + s.Name));
        Assert.Equal("p1", mapped["Custom:Database--Password"]);
    }

    [Fact]
    public async Task ExplicitSecrets_NeedNoListPermission_PinnedVersionIsReadOnceAndNeverChecked()
    {
        await using var f = await AzureFixture.StartAsync();
        f.SetSecret("shared-stripe-key", """{"ApiKey":"sk"}""", contentType: "application/json");
        var v1 = f.SetSecret("db-password", "old");
        f.SetSecret("db-password", "new");
        f.Vault.DenyList();

        var config = f.Build(o =>
        {
            o.AddSecret("shared-stripe-key", section: "Stripe");
            o.AddSecret("db-password", section: "Db:Password", version: v1);
        });

        Assert.Equal("sk", config["Stripe:ApiKey"]);
        Assert.Equal("old", config["Db:Password"]);
        Assert.Equal(0, f.Vault.Count("list"));
        Assert.Equal(2, f.Vault.Count("get")); // each check's answer is the read: no second GET

        var result = await config.GetSecretsManager().RefreshAsync();

        Assert.False(result.Changed);
        Assert.Equal(3, f.Vault.Count("get"));                   // the explicit check: one GET (Key Vault has no properties-only read)
        Assert.Equal(2, f.Vault.Count("get shared-stripe-key"));
        Assert.Equal(1, f.Vault.Count("get db-password/" + v1)); // a pinned version is immutable: never checked again
    }

    [Fact]
    public async Task RefreshWithNothingChanged_ReadsNoValues_AndAChangeReadsOnlyThatSecret()
    {
        await using var f = await AzureFixture.StartAsync();
        for (var i = 0; i < 30; i++)
        {
            f.Vault.SetSecret($"app-S{i:D2}", "v" + i);
        }

        f.Time.Advance(TimeSpan.FromSeconds(1));
        var config = f.Build(o => o.NamePrefix = "app-");
        Assert.Equal(2, f.Vault.Count("list"));
        Assert.Equal(30, f.Vault.Count("get"));

        var unchanged = await config.GetSecretsManager().RefreshAsync();

        Assert.False(unchanged.Changed);
        Assert.Equal(4, f.Vault.Count("list"));
        Assert.Equal(30, f.Vault.Count("get"));

        f.Vault.SetSecret("app-S07", "v7b");
        var changed = await config.GetSecretsManager().RefreshAsync();

        Assert.True(changed.Changed);
        Assert.Equal("v7b", config["S07"]);
        Assert.Equal(31, f.Vault.Count("get"));
        Assert.Equal("get app-S07", f.Vault.Requests[^1]);
    }

    [Fact]
    public async Task TwoWritesInTheSecondOfTheRead_AreNotMissed_DespiteOneSecondUpdatedResolution()
    {
        await using var f = await AzureFixture.StartAsync();
        f.Vault.SetSecret("Key", "1");
        var config = f.Build(_ => { });               // read in the same (vault) second as the write
        f.Vault.SetSecret("Key", "2");                // another write in that second: "updated" does not move

        await config.GetSecretsManager().RefreshAsync();
        Assert.Equal("2", config["Key"]);             // the unsettled fingerprint made the refresh read it again

        f.Time.Advance(TimeSpan.FromSeconds(1));
        var gets = f.Vault.Count("get");
        await config.GetSecretsManager().RefreshAsync();
        await config.GetSecretsManager().RefreshAsync();
        Assert.Equal(gets + 1, f.Vault.Count("get")); // one more read to settle (still the write's second before), then none
    }

    [Fact]
    public async Task Rotation_GivesExactlyOneOptionsMonitorChange()
    {
        await using var f = await AzureFixture.StartAsync();
        f.SetSecret("Db--Password", "p1");
        f.SetSecret("Db--User", "app");
        using var host = f.BuildHost(_ => { }, b => b.Services.Configure<Db>(b.Configuration.GetSection("Db")));
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<Db>>();
        var manager = host.Services.GetRequiredService<ISecretsManager>();
        var changes = new List<string?>();
        using var subscription = monitor.OnChange(o => { lock (changes) { changes.Add(o.Password); } });

        f.SetSecret("Db--Password", "p2");
        await manager.RefreshAsync();
        await manager.RefreshAsync();

        Assert.Equal(["p2"], changes);
        Assert.Equal("p2", monitor.CurrentValue.Password);
        Assert.Equal("app", monitor.CurrentValue.User);
        await host.StopAsync();
    }

    [Fact]
    public async Task DisabledExpiredAndNotYetValid_AreSkippedWithOneLogLineEach_NeverFailStartup()
    {
        await using var f = await AzureFixture.StartAsync();
        var now = f.Time.GetUtcNow();
        f.Vault.SetSecret("Good", "g");
        f.Vault.SetSecret("Disabled", "d", enabled: false);
        f.Vault.SetSecret("Expired", "e", expires: now.AddMinutes(-1));
        f.Vault.SetSecret("Future", "n", notBefore: now.AddDays(1));
        f.Vault.SetSecret("Explicit--Off", "x", enabled: false);
        f.Time.Advance(TimeSpan.FromSeconds(1)); // read after the writes' second, so a read is final (see TwoWritesInTheSecondOfTheRead)
        using var host = f.BuildHost(_ => { }, _ => { });
        await host.StartAsync();
        var config = host.Services.GetRequiredService<IConfiguration>();
        var manager = host.Services.GetRequiredService<ISecretsManager>();

        await manager.RefreshAsync();
        await manager.RefreshAsync();

        Assert.Equal("g", config["Good"]);
        Assert.Null(config["Disabled"]);
        Assert.Null(config["Expired"]);
        Assert.Null(config["Future"]);
        Assert.Null(config["Explicit:Off"]);
        Assert.Equal(1, f.Vault.Count("get")); // skipped secrets are never read (a disabled one would answer 403)
        var skipped = f.Logs.Lines.Where(l => l.EventId == 6001).Select(l => l.Message).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(4, skipped.Length);
        Assert.Contains(skipped, m => m.Contains("Disabled is disabled", StringComparison.Ordinal));
        Assert.Contains(skipped, m => m.Contains("Expired is expired", StringComparison.Ordinal));
        Assert.Contains(skipped, m => m.Contains("Future is not yet valid", StringComparison.Ordinal));

        // Once valid, the secret arrives with the next refresh.
        f.Time.Advance(TimeSpan.FromDays(2));
        await manager.RefreshAsync();
        Assert.Equal("n", config["Future"]);
        await host.StopAsync();
    }

    [Fact]
    public async Task DisabledExplicitSecret_IsSkipped_NotAStartupFailure()
    {
        await using var f = await AzureFixture.StartAsync();
        f.SetSecret("on", "1");
        f.SetSecret("off", "0");
        f.Vault.SetEnabled("off", false);

        var config = f.Build(o => o.AddSecret("on").AddSecret("off"));

        Assert.Equal("1", config["on"]);
        Assert.Null(config["off"]);
        Assert.Single(f.Logs.Lines, l => l.EventId == 6001 && l.Message.Contains("off is disabled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BringYourOwnClient_IsUsedAsIs_AndOutlivesTheProvider()
    {
        await using var f = await AzureFixture.StartAsync();
        f.SetSecret("Key", "v");
        var options = new global::Azure.Security.KeyVault.Secrets.SecretClientOptions { Transport = f.Transport, DisableChallengeResourceVerification = true };
        options.Retry.MaxRetries = 0;
        var client = new global::Azure.Security.KeyVault.Secrets.SecretClient(f.Vault.VaultUri, f.Credential, options);

        for (var i = 0; i < 2; i++)
        {
            using var config = (IDisposable)new ConfigurationBuilder().AddSecretsManager(s =>
            {
                s.TimeProvider = f.Time;
                s.AddAzureKeyVault(client, o => o.RefreshInterval = null);
            }).Build();
            Assert.Equal("v", ((IConfiguration)config)["Key"]);
        }

        Assert.Equal("v", (await client.GetSecretAsync("Key")).Value.Value); // still usable: never disposed by us
    }

    [Fact]
    public async Task VaultUri_FromTheEnvironment()
    {
        await using var f = await AzureFixture.StartAsync();
        f.SetSecret("FromEnv", "yes");
        Environment.SetEnvironmentVariable("AZURE_KEYVAULT_URL", null);
        Environment.SetEnvironmentVariable("AZURE_KEY_VAULT_ENDPOINT", f.Vault.VaultUri.ToString());
        try
        {
            var config = new ConfigurationBuilder().AddSecretsManager(s =>
            {
                s.TimeProvider = f.Time;
                s.AddAzureKeyVault(o => f.Configure(o, o => o.Credential = f.Credential));
            }).Build();
            Assert.Equal("yes", config["FromEnv"]);

            Environment.SetEnvironmentVariable("AZURE_KEY_VAULT_ENDPOINT", null);
            var ex = Assert.Throws<ArgumentException>(() => new ConfigurationBuilder().AddSecretsManager(s => s.AddAzureKeyVault()));
            Assert.Contains("AZURE_KEYVAULT_URL", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AZURE_KEY_VAULT_ENDPOINT", null);
        }
    }

    private sealed class Db
    {
        public string? Password { get; set; }

        public string? User { get; set; }
    }
}
