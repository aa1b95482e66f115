using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Isolation;

public sealed class PerSecretIsolationTests
{
    private const int Limit = 1024;

    public static TheoryData<string> Poisons => ["case-colliding JSON", "malformed JSON", "invalid base64", "over the size limit"];

    [Theory]
    [MemberData(nameof(Poisons))]
    public async Task PoisonedSecret_KeepsItsLastValue_ReportedByName_WhileTheNeighbourRotates(string poison)
    {
        var (good, bad, contentType, reason) = Case(poison);
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("iso-" + Guid.NewGuid().ToString("N"), time);
        store.Set("Poison", good, contentType);
        store.Set("Other", "o1");
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));
        var config = Build(time, store, loggerFactory);
        var manager = config.GetSecretsManager();
        var before = Snapshot(config, "Poison");

        store.Set("Poison", bad, contentType);
        store.Set("Other", "o2");
        var result = await manager.RefreshAsync();

        Assert.True(result.Succeeded);
        Assert.Equal("o2", config["Other"]);
        Assert.Equal(before, Snapshot(config, "Poison"));
        var status = Assert.Single(manager.Sources);
        Assert.Equal(["Poison"], status.FailedSecrets);
        Assert.Contains(reason, status.FailedSecretErrors["Poison"], StringComparison.Ordinal);
        var health = await new SecretsHealthCheck(manager, time).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains(reason, (string)health.Data[$"{store.Name}/Poison"], StringComparison.Ordinal);
        Assert.Single(logs.Messages, m => m.Contains("secret Poison failed", StringComparison.Ordinal));

        // The poisoned secret is retried every pass without blocking the rest, and recovers when fixed.
        store.Set("Other", "o3");
        await manager.RefreshAsync();
        Assert.Equal("o3", config["Other"]);
        Assert.Equal(before, Snapshot(config, "Poison"));
        Assert.Single(logs.Messages, m => m.Contains("secret Poison failed", StringComparison.Ordinal));

        store.Set("Poison", good, contentType);
        await manager.RefreshAsync();
        Assert.Empty(manager.Sources[0].FailedSecrets);
        Assert.Equal(before, Snapshot(config, "Poison"));
    }

    [Theory]
    [MemberData(nameof(Poisons))]
    public void PoisonedRequiredSecret_AtFirstLoad_FailsStartupNamingIt(string poison)
    {
        var (_, bad, contentType, reason) = Case(poison);
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("iso-" + Guid.NewGuid().ToString("N"), time);
        store.Set("Poison", bad, contentType);
        store.Set("Other", "o1");

        var ex = Assert.Throws<SecretsLoadException>(() => Build(time, store, null));

        Assert.Equal("Poison", ex.SecretName);
        Assert.Contains($"Secret 'Poison' of source '{store.Name}' could not be loaded", ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Poisons))]
    public void PoisonedOptionalSecret_AtFirstLoad_IsAbsent_OthersLoad(string poison)
    {
        var (_, bad, contentType, _) = Case(poison);
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("iso-" + Guid.NewGuid().ToString("N"), time);
        store.Set("Poison", bad, contentType, optional: true);
        store.Set("Other", "o1");

        var config = Build(time, store, null);

        Assert.Equal("o1", config["Other"]);
        Assert.Empty(Snapshot(config, "Poison"));
        Assert.Equal(["Poison"], config.GetSecretsManager().Sources[0].FailedSecrets);
    }

    [Fact]
    public void TwoSecretsOnOneKey_RemainASourceLevelErrorNamingBoth()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("iso", time);
        store.Set("Db", """{"password":"a"}""");
        store.Set("Db/Password", "b");

        var ex = Assert.Throws<SecretsLoadException>(() => Build(time, store, null));

        Assert.Contains("'Db'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'Db/Password'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Db:Password", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static (string Good, string Bad, string? ContentType, string Reason) Case(string poison) => poison switch
    {
        "case-colliding JSON" => ("""{"user":"u1"}""", """{"user":"a","USER":"b"}""", null, "ignore case"),
        "malformed JSON" => ("""{"user":"u1"}""", """{"user":""", "application/json", "not valid JSON"),
        "invalid base64" => ("dTE=", "dT!E", "application/octet-stream; encoding=base64", "not valid base64"),
        _ => ("u1", new string('x', Limit + 1), null, "MaxSecretBytes"),
    };

    private static IConfigurationRoot Build(ManualTimeProvider time, InMemorySecretStore store, ILoggerFactory? loggerFactory) =>
        new ConfigurationBuilder()
            .AddSecretsManager(s =>
            {
                s.TimeProvider = time;
                if (loggerFactory is not null)
                {
                    s.LoggerFactory = loggerFactory;
                }

                s.AddStore(store, TestConfig.Options(o => o.MaxSecretBytes = Limit));
            })
            .Build();

    private static string[] Snapshot(IConfiguration config, string prefix) =>
        [.. config.AsEnumerable().Where(kv => kv.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && kv.Value is not null).Select(kv => $"{kv.Key}={kv.Value}").Order(StringComparer.Ordinal)];
}
