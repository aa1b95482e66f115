using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Chaos.Tests.Harness;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Testing.Emulators.Faults;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Vault;

namespace Secrets.Sdk.Chaos.Tests.Backends;

/// <summary>
/// Vault: KV v2 secrets, an AppRole token whose TTL and max TTL force renewals and new logins, a database credential
/// whose lease is capped by its max TTL (so it is rotated), tokens ended early at random (expired token), and the
/// outage is a sealed Vault (every request 503).
/// </summary>
internal sealed class VaultChaosBackend : IChaosBackend
{
    private readonly ConcurrentDictionary<string, byte> _generated = new(StringComparer.Ordinal);
    private readonly List<string> _leasesSeen = [];
    private readonly CountingHandler _client = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private VaultEmulator _vault = null!;

    public string Name => "Vault";

    public string OutageKind => "sealed (503)";

    public EmulatorFaultInjector? Faults => _vault.Faults;

    public int Busy => Math.Max(0, _client.InFlight - _vault.Faults.Held) + (_vault.Faults.InFlight - _vault.Faults.Held);

    public long Activity => _vault.Faults.Handled;

    public string? KnownOutageDeviation => null;

    public IReadOnlyDictionary<string, int> OwnFaults { get; } = new Dictionary<string, int>();

    public IReadOnlyCollection<string> Generated => _generated.Keys.ToArray();

    public async Task StartAsync(ManualTimeProvider time)
    {
        _vault = new VaultEmulator(time);
        await _vault.StartAsync();
        _vault.EnableKv("secret", 2);
        _vault.AddAppRole("orders-role", "orders-secret-id", TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(60), VaultEmulatorPolicy.All(string.Empty));
        _vault.AddDatabaseRole("orders-rw", TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30));
    }

    public void Write(string secret, string value) =>
        _vault.PutKv("secret", "orders/" + secret, new Dictionary<string, string> { ["value"] = value });

    public string KeyOf(string secret) => secret + ":value";

    public void AddSource(SecretsManagerBuilder builder, Action<SecretSourceOptions> tuning) =>
        builder.AddVault(v =>
        {
            v.Address = _vault.Address;
            v.Authentication = VaultAuthentication.AppRole("orders-role", "orders-secret-id");
            v.AddKeyValue("secret", "orders");
            v.AddDynamicSecret("database/creds/orders-rw", "Database");
            v.Http.CreateHandler = () => _client;
            tuning(v);
        });

    public void BeginOutage() => _vault.Sealed = true;

    public void EndOutage() => _vault.Sealed = false;

    public string? ExtraFault(Random random) => _vault.ExpireTokens() > 0 ? "expired token" : null;

    public string? Check(IConfiguration configuration, bool disturbed)
    {
        var username = configuration["Database:username"];
        if (configuration["Database:password"] is { } password)
        {
            _generated.TryAdd(password, 0);
        }

        var lease = username is null ? null : _vault.LeaseOfUsername(username);
        if (lease is null)
        {
            return "Database: no credential the store issued";
        }

        var serial = _vault.LeasesUnder("database/creds/orders-rw").ToList().IndexOf(lease);
        if (_leasesSeen.Count > 0 && serial < _vault.LeasesUnder("database/creds/orders-rw").ToList().IndexOf(_leasesSeen[^1]))
        {
            return $"Database: went back to an older credential ({lease})";
        }

        if (_leasesSeen.Count == 0 || _leasesSeen[^1] != lease)
        {
            _leasesSeen.Add(lease);
        }

        return !disturbed && !_vault.IsLeaseValid(lease) ? $"Database: the configured credential's lease {lease} is no longer valid" : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _vault.DisposeAsync();
        _client.Dispose();
    }
}
