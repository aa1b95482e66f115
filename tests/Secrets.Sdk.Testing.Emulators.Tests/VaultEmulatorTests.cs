using System.Net;
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
