using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Resilience;

/// <summary>
/// A call the client held back (<see cref="SecretStoreException.NotSent"/>: a closed shared throttle gate) says nothing
/// new about a secret: it keeps its value, is not listed as failing, starts no failure streak and never opens the breaker.
/// </summary>
public sealed class HeldReadTests
{
    [Fact]
    public async Task EveryReadHeld_KeepsValues_NoFailingSecret_NoFailureStreak()
    {
        var time = new ManualTimeProvider();
        var store = new HoldingStore("db", "api");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options(o => o.RefreshInterval = null)));
        var loadedAt = manager.Sources[0].LastSuccessAt;
        time.Advance(TimeSpan.FromMinutes(1));
        store.HoldReads = true;

        var result = await manager.RefreshAsync().WaitAsync(Waits.Guard);

        Assert.False(result.Succeeded);
        Assert.True(Assert.IsType<SecretStoreException>(result.Failures.Values.Single()).NotSent);
        var status = manager.Sources[0];
        Assert.Empty(status.FailedSecrets);
        Assert.Equal(0, status.ConsecutiveFailures);
        Assert.Equal(loadedAt, status.LastSuccessAt);
        Assert.Equal("db-1", config["db"]);
        Assert.Equal("api-1", config["api"]);
    }

    [Fact]
    public async Task SomeReadsHeld_OthersRefresh_HeldOnesKeepTheirValueAndAreReadNextTime()
    {
        var time = new ManualTimeProvider();
        var store = new HoldingStore("db", "api");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options(o => o.RefreshInterval = null)));
        store.Serial = 2;
        store.HeldSecret = "api";

        var result = await manager.RefreshAsync().WaitAsync(Waits.Guard);

        Assert.True(result.Succeeded);
        Assert.Equal("db-2", config["db"]);
        Assert.Equal("api-1", config["api"]);
        Assert.Empty(manager.Sources[0].FailedSecrets);

        store.HeldSecret = null;
        await manager.RefreshAsync().WaitAsync(Waits.Guard);
        Assert.Equal("api-2", config["api"]);
    }

    [Fact]
    public async Task HeldListing_IsNotAFailure()
    {
        var time = new ManualTimeProvider();
        var store = new HoldingStore("db");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options(o => o.RefreshInterval = null)));
        store.HoldList = true;

        var result = await manager.RefreshAsync().WaitAsync(Waits.Guard);

        Assert.False(result.Succeeded);
        Assert.Equal(0, manager.Sources[0].ConsecutiveFailures);
        Assert.Null(manager.Sources[0].LastError);
        Assert.Equal("db-1", config["db"]);
    }

    [Fact]
    public async Task HeldReads_NeverOpenTheCircuitBreaker()
    {
        var time = new ManualTimeProvider();
        var store = new HoldingStore("a", "b", "c", "d", "e", "f");
        var options = TestConfig.Options(o =>
        {
            o.RefreshInterval = null;
            o.MaxConcurrency = 1;
            o.Resilience.CircuitBreakerEnabled = true;
            o.Resilience.CircuitBreakerMinimumThroughput = 2;
        });
        var (config, manager) = TestConfig.Build(time, (store, options));
        store.HoldReads = true;
        await manager.RefreshAsync().WaitAsync(Waits.Guard);
        await manager.RefreshAsync().WaitAsync(Waits.Guard);

        store.HoldReads = false;
        store.Serial = 2;
        var result = await manager.RefreshAsync().WaitAsync(Waits.Guard);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures.Values.Select(e => e.Message)));
        Assert.Equal("f-2", config["f"]);
    }

    [Fact]
    public void HeldReadAtStartup_OfARequiredSecret_FailsTheLoad()
    {
        var time = new ManualTimeProvider();
        var store = new HoldingStore("db") { HoldReads = true };

        var error = Assert.Throws<SecretsLoadException>(() => TestConfig.Build(time, (store, TestConfig.Options(o => o.RefreshInterval = null))));

        Assert.Contains("db", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Lists without a version fingerprint (every secret read each pass); its calls can be held back like a closed gate does.</summary>
    private sealed class HoldingStore(params string[] names) : ISecretStore
    {
        public string Name => "holding";

        public int MaxBatchSize => 1;

        public bool HoldReads { get; set; }

        public bool HoldList { get; set; }

        public string? HeldSecret { get; set; }

        public int Serial { get; set; } = 1;

        public ValueTask<IReadOnlyList<SecretMetadata>> ListSecretsAsync(CancellationToken cancellationToken) =>
            HoldList ? throw Held(null) : new([.. names.Select(n => new SecretMetadata(n))]);

        public ValueTask<IReadOnlyList<SecretReadResult>> GetSecretsAsync(IReadOnlyList<SecretMetadata> secrets, CancellationToken cancellationToken)
        {
            var secret = secrets[0];
            if (HoldReads || secret.Name == HeldSecret)
            {
                throw Held(secret.Name);
            }

            return new([SecretReadResult.Success(secret, new Secret(secret, SecretValue.FromText($"{secret.Name}-{Serial}")))]);
        }

        private SecretStoreException Held(string? secret) =>
            new("not sent: the endpoint throttled this process", SecretErrorKind.Throttled, Name, secret, retryAfter: TimeSpan.FromSeconds(30)) { NotSent = true };
    }
}
