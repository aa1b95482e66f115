using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Vault;

namespace Secrets.Sdk.Chaos.Tests.Vault;

public sealed class SealedVaultTests
{
    [Fact]
    public async Task SealedVault_RefreshKeepsLastGoodValue_ThenUnsealedRefreshPicksUpTheRotation()
    {
        var time = new ManualTimeProvider();
        await using var vault = new VaultEmulator(time);
        await vault.StartAsync();
        vault.EnableKv("secret", 2);
        vault.PutKv("secret", "orders/db", new Dictionary<string, string> { ["password"] = "v1" });

        var config = new ConfigurationBuilder().AddSecretsManager(s =>
        {
            s.TimeProvider = time;
            s.AddVault(v =>
            {
                v.Address = vault.Address;
                v.Authentication = VaultAuthentication.Token(VaultEmulator.RootToken);
                v.RefreshInterval = null;
                v.Resilience.MaxRetryAttempts = 0;
                v.Resilience.CircuitBreakerEnabled = false;
                v.AddKeyValue("secret", "orders");
            });
        }).Build();
        var manager = config.GetSecretsManager();
        Assert.Equal("v1", config["db:password"]);

        vault.Sealed = true;
        vault.PutKv("secret", "orders/db", new Dictionary<string, string> { ["password"] = "v2" });
        var sealedRefresh = await manager.RefreshAsync();

        Assert.False(sealedRefresh.Succeeded);
        Assert.Equal("v1", config["db:password"]);

        vault.Sealed = false;
        var unsealedRefresh = await manager.RefreshAsync();

        Assert.True(unsealedRefresh.Succeeded);
        Assert.Equal("v2", config["db:password"]);
        (config as IDisposable)?.Dispose();
    }
}
