using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Vault;

namespace Secrets.Sdk.Soak;

/// <summary>
/// Vault: five KV v2 secrets under <c>secret/soak</c> (<c>Soak</c> holds the rotating field), a database credential
/// whose lease is renewed every ~40 minutes and capped at 6 hours (so it is rotated, reloaded and the old lease revoked
/// a minute later), and an AppRole token renewed and obtained again by login when its 12-hour max TTL ends. Two sources
/// poll: the KV path and the dynamic secret.
/// </summary>
internal sealed class VaultSoakBackend : ISoakBackend
{
    private readonly InFlightHandler _client = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private VaultEmulator _vault = null!;
    private string _tokenSource = null!;

    public string Name => "Vault";

    public int Sources => 2;

    public int InFlight => _client.InFlight;

    public Action? RequestStarted
    {
        get => _client.Started;
        set => _client.Started = value;
    }

    public Action? RequestEnded
    {
        get => _client.Ended;
        set => _client.Ended = value;
    }

    public async Task StartAsync(ManualTimeProvider time, string firstValue)
    {
        _vault = new VaultEmulator(time);
        await _vault.StartAsync();
        _tokenSource = "vault:" + _vault.Address.ToString().TrimEnd('/');
        _vault.EnableKv("secret", 2);
        for (var i = 1; i <= 4; i++)
        {
            _vault.PutKv("secret", $"soak/Fixed{i}", new Dictionary<string, string> { ["value"] = $"fixed value {i}" });
        }

        Rotate(firstValue);
        _vault.AddAppRole("soak-role", "soak-secret-id", TimeSpan.FromHours(2), TimeSpan.FromHours(12), VaultEmulatorPolicy.All(string.Empty));
        _vault.AddDatabaseRole("soak-rw", TimeSpan.FromHours(1), TimeSpan.FromHours(6));
    }

    public void AddSource(SecretsManagerBuilder builder, Action<SecretSourceOptions> tuning) =>
        builder.AddVault(v =>
        {
            v.Address = _vault.Address;
            v.Authentication = VaultAuthentication.AppRole("soak-role", "soak-secret-id");
            v.AddKeyValue("secret", "soak");
            v.AddDynamicSecret("database/creds/soak-rw", "Database");
            v.Http.CreateHandler = () => _client;
            tuning(v);
        });

    public long Requests => _vault.Faults.Handled;

    /// <summary>The token's lease manager reports as <c>vault:&lt;address&gt; token</c>.</summary>
    public bool OwnsSource(string source) => source.StartsWith(_tokenSource, StringComparison.Ordinal);

    public void Rotate(string value) =>
        _vault.PutKv("secret", "soak/Soak", new Dictionary<string, string> { ["Rotating"] = value });

    public void TrimHistory() => EmulatorHistory.Clear(_vault);

    public async ValueTask DisposeAsync()
    {
        await _vault.DisposeAsync();
        _client.Dispose();
    }
}
