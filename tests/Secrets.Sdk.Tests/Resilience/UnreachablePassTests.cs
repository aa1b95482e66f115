using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Resilience;

/// <summary>
/// A pass whose listing makes no call (GCP reuses its last list between discoveries) and whose every read fails
/// transiently reached nothing: it must count as a failed pass, also once the circuit breaker refuses the reads
/// (<c>BrokenCircuitException</c>, not a <see cref="SecretStoreException"/>), which is what kept GCP's outages at Degraded.
/// </summary>
public sealed class UnreachablePassTests
{
    [Fact]
    public async Task EveryReadFailingTransiently_WithTheCircuitOpen_IsAFailedPass_AndKeepsTheValues()
    {
        var time = new ManualTimeProvider();
        var store = new CachedListStore("db", "api", "payments", "queue");
        var options = TestConfig.Options(o =>
        {
            o.RefreshInterval = null;
            o.Resilience.CircuitBreakerEnabled = true;
            o.Resilience.CircuitBreakerMinimumThroughput = 2;
            o.MaxConcurrency = 1; // reads one after another, so the breaker opens after the second
        });
        var (config, manager) = TestConfig.Build(time, (store, options));
        var loadedAt = manager.Sources[0].LastSuccessAt;
        time.Advance(TimeSpan.FromMinutes(1));
        store.Failing = true;
        var before = store.Calls;

        var result = await manager.RefreshAsync().WaitAsync(Waits.Guard);

        Assert.False(result.Succeeded);
        Assert.InRange(store.Calls - before, 1, 3); // the breaker opened and refused the rest
        var status = manager.Sources[0];
        Assert.Equal(loadedAt, status.LastSuccessAt);
        Assert.Equal(1, status.ConsecutiveFailures);
        Assert.Equal(nameof(SecretErrorKind.Unavailable), status.LastErrorKind);
        Assert.Equal(4, status.FailedSecrets.Count);
        Assert.Contains("CircuitOpen", status.FailedSecretErrorKinds.Values);
        Assert.Contains(nameof(SecretErrorKind.Unavailable), status.FailedSecretErrorKinds.Values);
        Assert.Equal("db-value", config["db"]);
        Assert.Equal("queue-value", config["queue"]);

        store.Failing = false;
        time.Advance(options.Resilience.CircuitBreakerBreakDuration);
        var recovered = await manager.RefreshAsync().WaitAsync(Waits.Guard);
        Assert.True(recovered.Succeeded);
        Assert.Equal(time.GetUtcNow(), manager.Sources[0].LastSuccessAt);
        Assert.Empty(manager.Sources[0].FailedSecrets);
    }

    [Fact]
    public async Task OneSecretRefused_OthersUnreachable_IsStillASuccessfulPass()
    {
        var time = new ManualTimeProvider();
        var store = new CachedListStore("db", "api");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options(o => o.RefreshInterval = null)));
        store.Failing = true;
        store.Denied = "api"; // the store answered this one: it is reachable, the pass refreshed what it could

        var result = await manager.RefreshAsync().WaitAsync(Waits.Guard);

        Assert.True(result.Succeeded);
        Assert.Equal(time.GetUtcNow(), manager.Sources[0].LastSuccessAt);
        Assert.Equal(["api", "db"], manager.Sources[0].FailedSecrets.Order(StringComparer.Ordinal));
        Assert.Equal("db-value", config["db"]);
    }

    /// <summary>Lists from memory without a version fingerprint (no call, like GCP between discoveries); reads can fail.</summary>
    private sealed class CachedListStore(params string[] names) : ISecretStore
    {
        private int _calls;

        public string Name => "cached-list";

        public int MaxBatchSize => 1;

        public bool Failing { get; set; }

        public string? Denied { get; set; }

        public int Calls => Volatile.Read(ref _calls);

        public ValueTask<IReadOnlyList<SecretMetadata>> ListSecretsAsync(CancellationToken cancellationToken) =>
            new([.. names.Select(n => new SecretMetadata(n))]);

        public ValueTask<IReadOnlyList<SecretReadResult>> GetSecretsAsync(IReadOnlyList<SecretMetadata> secrets, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            var secret = secrets[0];
            if (secret.Name == Denied)
            {
                return new([SecretReadResult.Failure(secret, new SecretStoreException("denied", SecretErrorKind.AccessDenied, Name, secret.Name))]);
            }

            if (Failing)
            {
                throw new SecretStoreException("503 from the front end", SecretErrorKind.Unavailable, Name, secret.Name, 503);
            }

            return new([SecretReadResult.Success(secret, new Secret(secret, SecretValue.FromText(secret.Name + "-value")))]);
        }
    }
}
