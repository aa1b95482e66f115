using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Tests.Declarations;

namespace Secrets.Sdk.Tests.LastKnownGood;

public sealed class DeclaredCacheTests
{
    [Fact]
    public async Task CacheDeclaredInConfiguration_WithALocalKeyFile_IsWrittenAndServedWhenTheSourceIsDown()
    {
        using var scenario = new CacheScenario();
        var keyFile = Path.Combine(scenario.Folder, "lkg.key");
        await File.WriteAllTextAsync(keyFile, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var section = DeclaredJson.Section($$"""
            { "SecretsManager": { "LastKnownGoodCache": { "Path": {{JsonSerializer.Serialize(scenario.CachePath)}}, "KeyFile": {{JsonSerializer.Serialize(keyFile)}},
                "KeyId": "orders-lkg:v1", "ApplicationName": "orders", "MaxAge": "02:00:00" } } }
            """);
        var store = CacheScenario.Store("orders", scenario.Time);
        store.Set("A", "declared-cached");
        IConfigurationRoot Build() => new ConfigurationBuilder().AddSecretsManager(section, s =>
        {
            s.TimeProvider = scenario.Time;
            s.AddStore(store, Infrastructure.TestConfig.Options());
        }).Build();

        using (var first = (IDisposable)Build())
        {
            await Waits.UntilAsync(() => File.Exists(scenario.CachePath), "the declared cache file");
        }

        store.FailEverything();
        using (var cached = (IDisposable)Build())
        {
            Assert.Equal("declared-cached", ((IConfiguration)cached)["A"]);
        }

        // The declared MaxAge (2 h) applies.
        scenario.Time.Advance(TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1));
        Assert.Throws<SecretsLoadException>(Build);
    }

    [Fact]
    public void DeclaredCacheWithoutItsKey_OrWithAnUnreadableKeyFile_IsAProblemNamingTheSetting()
    {
        var missing = Assert.Throws<SecretsConfigurationException>(() => new SecretsManagerBuilder().AddDeclaredSources(DeclaredJson.Section("""
            { "SecretsManager": { "LastKnownGoodCache": { "Path": "/tmp/x.lkg", "KeyId": "k:v1", "MaxAg": "1.00:00:00" },
                "Sources": [ { "Type": "MountedFiles", "Path": "/mnt/secrets" } ] } }
            """)));
        var problems = missing.Problems.ToDictionary(p => p.Path, p => p.Message);
        Assert.Contains("required setting is missing", problems["SecretsManager:LastKnownGoodCache:KeyFile"], StringComparison.Ordinal);
        Assert.Contains("did you mean 'MaxAge'", problems["SecretsManager:LastKnownGoodCache:MaxAg"], StringComparison.Ordinal);

        var unreadable = Assert.Throws<SecretsConfigurationException>(() => new SecretsManagerBuilder().AddDeclaredSources(DeclaredJson.Section("""
            { "SecretsManager": { "LastKnownGoodCache": { "Path": "/tmp/x.lkg", "KeyFile": "/nonexistent/lkg.key", "KeyId": "k:v1" },
                "Sources": [ { "Type": "MountedFiles", "Path": "/mnt/secrets" } ] } }
            """)));
        var problem = Assert.Single(unreadable.Problems);
        Assert.Equal("SecretsManager:LastKnownGoodCache:KeyFile", problem.Path);
        Assert.DoesNotContain("/nonexistent", problem.Message, StringComparison.Ordinal);
    }
}
