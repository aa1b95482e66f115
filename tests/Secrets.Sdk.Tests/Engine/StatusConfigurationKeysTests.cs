using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Engine;

public sealed class StatusConfigurationKeysTests
{
    [Fact]
    public void Status_NamesTheConfigurationKeysEachSecretProduced_WithoutValues()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("orders/Database", """{"username":"u-sentinel","password":"p-sentinel"}""");
        store.Set("orders/Api__Key", "k-sentinel");
        store.Set("billing/Other", "skipped");

        var (_, manager) = TestConfig.Build(time, (store, TestConfig.Options(o =>
        {
            o.KeyPrefix = "orders";
            o.Section = "App";
        })));

        var secrets = manager.Sources[0].Secrets.ToDictionary(s => s.Name, s => s.ConfigurationKeys);
        Assert.Equal(["App:Database:username", "App:Database:password"], secrets["orders/Database"]);
        Assert.Equal(["App:Api:Key"], secrets["orders/Api__Key"]);
        Assert.Empty(secrets["billing/Other"]);
        Assert.DoesNotContain("sentinel", string.Join(",", secrets.Values.SelectMany(k => k)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_KeysFollowARotation_ThatChangesTheJsonShape()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("Database", """{"password":"p1"}""");
        var (_, manager) = TestConfig.Build(time, (store, TestConfig.Options()));

        store.Set("Database", """{"password":"p2","username":"u"}""");
        await manager.RefreshAsync();

        Assert.Equal(["Database:password", "Database:username"], Assert.Single(manager.Sources[0].Secrets).ConfigurationKeys);
    }
}
